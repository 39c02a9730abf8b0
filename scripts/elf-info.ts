/**
 * What an executable needs to start, read from its ELF headers: the machine it is for, its
 * dynamic loader (PT_INTERP) and the shared libraries it names (DT_NEEDED). Only 64-bit
 * little-endian ELF (what the release builds are). Reads the headers, not the whole file.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export interface ElfInfo {
  machine: "x86-64" | "aarch64" | `machine ${number}`;
  interpreter?: string;
  needed: string[];
}

const MACHINES: Readonly<Record<number, ElfInfo["machine"]>> = { 62: "x86-64", 183: "aarch64" };
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NEEDED = 1;
const DT_STRTAB = 5;

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

export function readElfInfo(path: string): ElfInfo {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const read = (offset: number, length: number): Buffer => {
      if (offset < 0 || length < 0 || offset + length > size) throw new Error(`${path}: ELF header points outside the file (offset ${offset}, ${length} bytes)`);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, offset);
      return buffer;
    };
    const header = read(0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
    if (header[4] !== 2 || header[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF file`);
    const machineCode = header.readUInt16LE(18);
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const segments: Segment[] = [];
    for (let i = 0; i < phnum; i++) {
      const ph = read(phoff + i * phentsize, 56);
      segments.push({ type: ph.readUInt32LE(0), offset: Number(ph.readBigUInt64LE(8)), vaddr: Number(ph.readBigUInt64LE(16)), filesz: Number(ph.readBigUInt64LE(32)) });
    }
    const info: ElfInfo = { machine: MACHINES[machineCode] ?? `machine ${machineCode}`, needed: [] };
    const interp = segments.find((s) => s.type === PT_INTERP);
    if (interp) info.interpreter = read(interp.offset, interp.filesz).toString("latin1").replace(/\0.*$/s, "");
    const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
    if (!dynamic) return info;
    const entries = read(dynamic.offset, dynamic.filesz);
    const tags: [number, number][] = [];
    for (let at = 0; at + 16 <= entries.length; at += 16) {
      const tag = Number(entries.readBigInt64LE(at));
      if (tag === 0) break;
      tags.push([tag, Number(entries.readBigUInt64LE(at + 8))]);
    }
    const strtabAddr = tags.find(([tag]) => tag === DT_STRTAB)?.[1];
    if (strtabAddr === undefined) return info;
    // DT_STRTAB is a virtual address: find the loaded segment holding it.
    const load = segments.find((s) => s.type === PT_LOAD && strtabAddr >= s.vaddr && strtabAddr < s.vaddr + s.filesz);
    if (!load) throw new Error(`${path}: the dynamic string table is in no loaded segment`);
    const strtab = load.offset + (strtabAddr - load.vaddr);
    for (const [tag, value] of tags) {
      if (tag !== DT_NEEDED) continue;
      const bytes = read(strtab + value, Math.min(256, size - strtab - value));
      info.needed.push(bytes.toString("latin1").replace(/\0.*$/s, ""));
    }
    return info;
  } finally {
    closeSync(fd);
  }
}
