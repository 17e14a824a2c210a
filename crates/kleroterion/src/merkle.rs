//! The pool commitment: an RFC 6962 Merkle tree over the records (SPEC.md section 4).

use alloc::vec::Vec;
use sha2::{Digest as _, Sha256};

use crate::digest::Digest;
use crate::encoding::SPEC_VERSION;
use crate::error::Result;
use crate::model::Record;

/// `leaf(r) = SHA-256(0x00 || str("kleroterion/v2/record") || rec(r))`, or for a sealed record
/// `SHA-256(0x00 || str("kleroterion/v2/sealed-record") || srec(r))` (SPEC.md section 4.1).
///
/// The fields are fed straight into the hasher, with the same bytes as
/// [`Record::canonical_bytes`], so hashing a large pool allocates nothing per record.
pub fn leaf_hash(record: &Record) -> Result<Digest> {
    fn len32(n: usize) -> Result<[u8; 4]> {
        u32::try_from(n)
            .map(u32::to_be_bytes)
            .map_err(|_| crate::error::Error::TooLarge { field: "record" })
    }
    let domain: &[u8] = match record.seal {
        Some(_) => b"/sealed-record",
        None => b"/record",
    };
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(((SPEC_VERSION.len() + domain.len()) as u32).to_be_bytes());
    h.update(SPEC_VERSION.as_bytes());
    h.update(domain);
    h.update(len32(record.ticket.len())?);
    h.update(record.ticket.as_bytes());
    match &record.seal {
        Some(seal) => h.update(seal.as_bytes()),
        None => {
            h.update(len32(record.values.len())?);
            for v in &record.values {
                h.update(len32(v.len())?);
                h.update(v.as_bytes());
            }
        }
    }
    match &record.household {
        None => h.update([0]),
        Some(k) => {
            h.update([1]);
            h.update(len32(k.len())?);
            h.update(k.as_bytes());
        }
    }
    h.update(record.holder.as_bytes());
    match &record.link {
        None => h.update([0]),
        Some(l) => {
            h.update([1]);
            h.update(len32(l.len())?);
            h.update(l.as_bytes());
        }
    }
    Ok(Digest::from_array(h.finalize().into()))
}

/// `node(L, R) = SHA-256(0x01 || L || R)`.
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left.as_bytes());
    h.update(right.as_bytes());
    Digest::from_array(h.finalize().into())
}

/// Computes a root from leaf hashes fed one at a time, in O(log n) memory.
///
/// Used to commit to pools too large to keep every level in memory.
#[derive(Debug, Default, Clone)]
pub struct RootBuilder {
    /// Complete subtrees of strictly decreasing size: (size, hash).
    stack: Vec<(u64, Digest)>,
    count: u64,
}

impl RootBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the next leaf hash.
    pub fn push(&mut self, leaf: Digest) {
        let mut cur = (1u64, leaf);
        while let Some(&(size, hash)) = self.stack.last() {
            if size != cur.0 {
                break;
            }
            self.stack.pop();
            cur = (size * 2, node_hash(&hash, &cur.1));
        }
        self.stack.push(cur);
        self.count += 1;
    }

    /// The number of leaves pushed.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The root, or `None` for an empty tree.
    pub fn root(&self) -> Option<Digest> {
        let mut it = self.stack.iter().rev();
        let mut acc = it.next()?.1;
        for (_, h) in it {
            acc = node_hash(h, &acc);
        }
        Some(acc)
    }
}

/// Every level of the tree, for proofs.
#[derive(Debug, Clone)]
pub struct MerkleTree {
    levels: Vec<Vec<Digest>>,
}

impl MerkleTree {
    /// Builds the tree over records.
    pub fn from_records(records: &[Record]) -> Result<Self> {
        let leaves = records.iter().map(leaf_hash).collect::<Result<Vec<_>>>()?;
        Ok(Self::from_leaves(leaves))
    }

    /// Builds the tree over leaf hashes. An odd node at the end of a level is carried up
    /// unchanged, which gives exactly RFC 6962's left-balanced tree.
    pub fn from_leaves(leaves: Vec<Digest>) -> Self {
        let mut levels = alloc::vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let above = below
                .chunks(2)
                .map(|p| {
                    if p.len() == 2 {
                        node_hash(&p[0], &p[1])
                    } else {
                        p[0]
                    }
                })
                .collect();
            levels.push(above);
        }
        Self { levels }
    }

    /// The root (`None` for an empty tree).
    pub fn root(&self) -> Option<Digest> {
        self.levels.last().and_then(|l| l.first()).copied()
    }

    /// The number of leaves.
    pub fn len(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    /// True when the tree has no leaf.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The leaf hashes.
    pub fn leaves(&self) -> &[Digest] {
        self.levels.first().map(Vec::as_slice).unwrap_or_default()
    }

    /// The RFC 6962 audit path of leaf `index`, from its sibling upwards.
    pub fn proof(&self, index: usize) -> Option<Vec<Digest>> {
        if index >= self.len() {
            return None;
        }
        let mut path = Vec::new();
        let mut i = index;
        for level in &self.levels[..self.levels.len() - 1] {
            let sibling = i ^ 1;
            if sibling < level.len() {
                path.push(level[sibling]);
            }
            i >>= 1;
        }
        Some(path)
    }
}

/// Proofs for a tree too large to keep every level in memory.
///
/// The leaves are cut into aligned blocks of `2^bits`. Only the upper tree, over the blocks'
/// roots, is kept; a block's own levels are rebuilt from its leaves when its proofs are
/// needed ([`BlockTree::proofs`]). Because RFC 6962's tree splits at powers of two, every
/// aligned block is a subtree, and a leaf's proof is its proof inside its block followed by
/// its block's proof in the upper tree: the same proof as [`MerkleTree::proof`].
#[derive(Debug, Clone)]
pub struct BlockTree {
    bits: u32,
    count: usize,
    upper: MerkleTree,
}

impl BlockTree {
    /// Builds the upper tree from every leaf hash, in order, holding one block at a time.
    pub fn new(bits: u32, leaves: impl IntoIterator<Item = Digest>) -> Self {
        let size = 1usize << bits;
        let mut roots = Vec::new();
        let mut block = Vec::with_capacity(size);
        let mut count = 0;
        for leaf in leaves {
            block.push(leaf);
            count += 1;
            if block.len() == size {
                roots.extend(MerkleTree::from_leaves(core::mem::take(&mut block)).root());
            }
        }
        roots.extend(MerkleTree::from_leaves(block).root());
        Self {
            bits,
            count,
            upper: MerkleTree::from_leaves(roots),
        }
    }

    /// The root (`None` for an empty tree).
    pub fn root(&self) -> Option<Digest> {
        self.upper.root()
    }

    /// The number of leaves.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when the tree has no leaf.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The number of leaves in a block (the last block may hold fewer).
    pub fn block_size(&self) -> usize {
        1 << self.bits
    }

    /// The proofs of block `block`'s leaves, in order, given its leaf hashes (`None` when the
    /// block does not exist or `leaves` is not its length).
    pub fn proofs(&self, block: usize, leaves: Vec<Digest>) -> Option<Vec<Vec<Digest>>> {
        let start = block.checked_mul(self.block_size())?;
        let expected = self.count.checked_sub(start)?.min(self.block_size());
        if expected == 0 || leaves.len() != expected {
            return None;
        }
        let above = self.upper.proof(block)?;
        let inner = MerkleTree::from_leaves(leaves);
        (0..expected)
            .map(|i| {
                let mut p = inner.proof(i)?;
                p.extend_from_slice(&above);
                Some(p)
            })
            .collect()
    }
}

/// The root of a pool (`None` when it is empty).
pub fn pool_root(records: &[Record]) -> Result<Option<Digest>> {
    let mut b = RootBuilder::new();
    for r in records {
        b.push(leaf_hash(r)?);
    }
    Ok(b.root())
}

/// Verifies an inclusion proof (RFC 9162 section 2.1.3.2).
pub fn verify_inclusion(
    leaf: &Digest,
    index: u64,
    count: u64,
    proof: &[Digest],
    root: &Digest,
) -> bool {
    if index >= count {
        return false;
    }
    let mut f = index;
    let mut s = count - 1;
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}
