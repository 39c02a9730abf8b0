import { watch } from "node:fs";

/** Creating inotify instances: the kernel refuses new ones when fs.inotify.max_user_instances is used up. */
export interface InotifyProbe {
  /** Creates an inotify instance watching `path` and closes it; rejects with the kernel's error (EMFILE/ENOSPC). */
  tryWatch(path: string): Promise<void>;
}

/** fs.watch is backed by an inotify instance on Linux. */
export const systemInotifyProbe: InotifyProbe = {
  tryWatch(path) {
    return new Promise((resolve, reject) => {
      try {
        const watcher = watch(path, { persistent: false });
        watcher.on("error", reject);
        watcher.close();
        resolve();
      } catch (error) {
        reject(error);
      }
    });
  },
};
