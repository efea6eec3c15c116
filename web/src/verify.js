// Checks an event's inclusion in the signed log in the browser (WebCrypto): RFC 6962
// audit path → root (SHA-256; leaf index seq − 1; inner node = H(0x01 ‖ left ‖ right)),
// leaf = the event's hash, root = the signed head's root, and the head's Ed25519 signature
// over "wulian-tree-head-v1\n<size>\n<root>\n<time>\n".

export function hexToBytes(hex) {
  if (typeof hex !== 'string' || !/^([0-9a-f]{2})*$/i.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function nodeHash(left, right) {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

// RFC 9162 §2.1.3.2: the root from a leaf hash, its index, the tree size and the path.
export async function rootFromPath(leafHex, index, size, pathHex) {
  if (!(index >= 0 && index < size)) throw new Error('index outside the tree');
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = hexToBytes(leafHex);
  for (const p of pathHex) {
    const node = hexToBytes(p);
    if (sn === 0n) throw new Error('path too long');
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(node, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, node);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new Error('path too short');
  return bytesToHex(r);
}

export function headText(head) {
  return `wulian-tree-head-v1\n${head.size}\n${head.root}\n${head.time}\n`;
}

export async function verifyHeadSignature(head, publicKeyHex) {
  const key = await crypto.subtle.importKey('raw', hexToBytes(publicKeyHex), { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, hexToBytes(head.signature), new TextEncoder().encode(headText(head)));
}

// Every step, in order; stops at the first that fails. Returns [{step, ok, detail}].
export async function checkInclusion({ event, proof, head, publicKey }) {
  const steps = [];
  const step = (name, ok, detail = '') => {
    steps.push({ step: name, ok, detail });
    return ok;
  };
  try {
    if (!step('leaf', proof.leaf === event.hash, proof.leaf)) return steps;
    if (!step('position', proof.seq === event.seq && proof.size === head.size, `${proof.seq}/${proof.size}`)) return steps;
    const root = await rootFromPath(proof.leaf, proof.seq - 1, proof.size, proof.path || []);
    if (!step('root', root === head.root, root)) return steps;
  } catch (e) {
    step('root', false, e.message);
    return steps;
  }
  try {
    step('signature', await verifyHeadSignature(head, publicKey), '');
  } catch (e) {
    step('signature', false, e.message);
  }
  return steps;
}
