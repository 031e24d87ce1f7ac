/** Network checks for tests: is anything still listening where a server was? */
import net from "node:net";

/** Resolves true when a TCP connection to `url`'s host and port is refused (nothing listens). */
export function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}
