/**
 * The agent's workspace as codex judges it: which git repository a directory is in, and where
 * codex records trust for it. Read from the file system (locally, or on the agent's host through
 * its file-system port), never by running git.
 */
export {
  findGitRoot,
  realpathOr,
  requireGitRepository,
  requireHostGitRepository,
  trustRoot,
  untrustedDirectoryError,
  UNTRUSTED_DIRECTORY_MESSAGE,
} from "./git.js";
