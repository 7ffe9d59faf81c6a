// The regular files of a tar archive (ustar, as PGlite's extension bundles are written): path and bytes, the bytes
// viewing the archive's buffer, not copied.
export type TarFile = { path: string; data: Uint8Array }

const BLOCK = 512

export function tarFiles(archive: Uint8Array): TarFile[] {
  const files: TarFile[] = []
  const text = (from: number, length: number) => Buffer.from(archive.subarray(from, from + length)).toString('utf8').replace(/\0.*$/s, '')
  for (let at = 0; at + BLOCK <= archive.length; ) {
    const name = text(at, 100)
    // Two zero blocks end the archive; an empty name is the first of them.
    if (!name) break
    const size = parseInt(text(at + 124, 12).trim() || '0', 8)
    const type = archive[at + 156]
    // ustar splits long paths into a prefix (offset 345) and the name.
    const prefix = text(at + 257, 6).startsWith('ustar') ? text(at + 345, 155) : ''
    const start = at + BLOCK
    // '0' and NUL mark a regular file; directories, links and extended headers carry nothing to copy.
    if (type === 0x30 || type === 0) files.push({ path: prefix ? `${prefix}/${name}` : name, data: archive.subarray(start, start + size) })
    at = start + Math.ceil(size / BLOCK) * BLOCK
  }
  return files
}
