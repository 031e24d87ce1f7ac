/** Small binary fixtures shared by tests. */

/** A valid 1x1 PNG. */
export const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** The same PNG as a data: URL. */
export const PNG_DATA_URL = `data:image/png;base64,${PNG.toString("base64")}`;
