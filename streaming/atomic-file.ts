// Crash-safe replacement of a small file: write a temp file, fsync it, rename it over the target, fsync the
// directory. rename(2) is atomic on POSIX file systems, so a reader sees the old or the new content, never a mix;
// the two fsyncs make the new content and the new directory entry durable before we report success (without the
// directory fsync a power cut could roll the rename back after we had already acted on it).
import { open, rename, unlink } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'

export async function writeFileAtomic (path: string, data: string | Buffer): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(data)
    await fh.sync()
  } catch (err) {
    await fh.close().catch(() => {})
    await unlink(tmp).catch(() => {})
    throw err
  }
  await fh.close()
  await rename(tmp, path)
  await fsyncDir(dirname(path))
}

export async function fsyncDir (dir: string): Promise<void> {
  const dh = await open(dir, 'r')
  try {
    await dh.sync()
  } catch (err) {
    // Some platforms (Windows, a few network file systems) refuse fsync on a directory: the rename is still atomic.
    if ((err as NodeJS.ErrnoException).code !== 'EISDIR' && (err as NodeJS.ErrnoException).code !== 'EINVAL' &&
      (err as NodeJS.ErrnoException).code !== 'EPERM') throw err
  } finally {
    await dh.close()
  }
}

/** Temp files a crash left behind are named `.<name>.<pid>.tmp`; they are never valid data. */
export function isTempFileName (name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp')
}
