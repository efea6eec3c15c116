#include "events/merkle.h"

#include <array>
#include <bit>
#include <cstring>

#include "base/assert.h"

namespace wulian::merkle {
namespace {

// The largest power of two strictly below n. REQUIRES: n > 1.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// MTH(D[begin:end]). Ranges arising from the RFC recursion start at a multiple of every
// perfect subtree inside them, so each perfect one is a stored node.
Status RangeRoot(const NodeReader& nodes, uint64_t begin, uint64_t end, Hash* out) {
  const uint64_t n = end - begin;
  LEDGER_ASSERT(n > 0, "empty range");
  if (std::has_single_bit(n) && begin % n == 0) {
    return nodes(std::countr_zero(n), begin / n, out);
  }
  const uint64_t k = SplitPoint(n);
  Hash left, right;
  Status s = RangeRoot(nodes, begin, begin + k, &left);
  if (s.ok()) s = RangeRoot(nodes, begin + k, end, &right);
  if (s.ok()) *out = HashChildren(left, right);
  return s;
}

// PATH(m, D[begin:end]) of RFC 6962 §2.1.1, with m relative to begin.
Status Path(const NodeReader& nodes, uint64_t m, uint64_t begin, uint64_t end,
            std::vector<Hash>* proof) {
  const uint64_t n = end - begin;
  if (n == 1) return Status::OK();
  const uint64_t k = SplitPoint(n);
  Hash sibling;
  Status s =
      m < k ? Path(nodes, m, begin, begin + k, proof) : Path(nodes, m - k, begin + k, end, proof);
  if (s.ok())
    s = m < k ? RangeRoot(nodes, begin + k, end, &sibling)
              : RangeRoot(nodes, begin, begin + k, &sibling);
  if (s.ok()) proof->push_back(sibling);
  return s;
}

// SUBPROOF(m, D[begin:end], b) of RFC 6962 §2.1.2, with m relative to begin.
Status SubProof(const NodeReader& nodes, uint64_t m, uint64_t begin, uint64_t end, bool whole,
                std::vector<Hash>* proof) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (whole) return Status::OK();
    Hash root;
    Status s = RangeRoot(nodes, begin, end, &root);
    if (s.ok()) proof->push_back(root);
    return s;
  }
  const uint64_t k = SplitPoint(n);
  Hash other;
  Status s = m <= k ? SubProof(nodes, m, begin, begin + k, whole, proof)
                    : SubProof(nodes, m - k, begin + k, end, false, proof);
  if (s.ok())
    s = m <= k ? RangeRoot(nodes, begin + k, end, &other)
               : RangeRoot(nodes, begin, begin + k, &other);
  if (s.ok()) proof->push_back(other);
  return s;
}

}  // namespace

Hash EmptyRoot() { return Sha256(""); }

Hash HashLeaf(std::string_view data) {
  std::string input;
  input.reserve(data.size() + 1);
  input.push_back('\0');
  input.append(data);
  return Sha256(input);
}

Hash HashChildren(const Hash& left, const Hash& right) {
  std::array<char, 1 + 2 * sizeof(Hash)> bytes;
  bytes[0] = '\x01';
  std::memcpy(bytes.data() + 1, left.data(), left.size());
  std::memcpy(bytes.data() + 1 + left.size(), right.data(), right.size());
  return Sha256(std::string_view(bytes.data(), bytes.size()));
}

Status Root(const NodeReader& nodes, uint64_t size, Hash* root) {
  if (size == 0) {
    *root = EmptyRoot();
    return Status::OK();
  }
  return RangeRoot(nodes, 0, size, root);
}

Status InclusionProof(const NodeReader& nodes, uint64_t index, uint64_t size,
                      std::vector<Hash>* proof) {
  LEDGER_ASSERT(index < size, "inclusion proof for a leaf outside the tree");
  proof->clear();
  return Path(nodes, index, 0, size, proof);
}

Status ConsistencyProof(const NodeReader& nodes, uint64_t m, uint64_t n, std::vector<Hash>* proof) {
  LEDGER_ASSERT(0 < m && m <= n, "consistency proof between impossible sizes");
  proof->clear();
  return SubProof(nodes, m, 0, n, true, proof);
}

bool VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf,
                     const std::vector<Hash>& proof, const Hash& root) {
  if (index >= size) return false;
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = HashChildren(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t m, uint64_t n, const Hash& root_m, const Hash& root_n,
                       const std::vector<Hash>& proof) {
  if (m == 0 || m > n) return false;
  if (m == n) return proof.empty() && root_m == root_n;
  if (proof.empty()) return false;
  std::vector<Hash> path = proof;
  if (std::has_single_bit(m)) path.insert(path.begin(), root_m);
  uint64_t fn = m - 1, sn = n - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    if (sn == 0) return false;
    const Hash& c = path[i];
    if ((fn & 1) == 1 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == root_m && sr == root_n && sn == 0;
}

Status Frontier::Load(const NodeReader& nodes, uint64_t size, Frontier* frontier) {
  frontier->size_ = size;
  frontier->nodes_.clear();
  uint64_t begin = 0;
  for (int level = kLevelsMax - 1; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    Node node{level, {}};
    Status s = nodes(level, begin / width, &node.hash);
    if (!s.ok()) return s;
    frontier->nodes_.push_back(node);
    begin += width;
  }
  return Status::OK();
}

void Frontier::Append(const Hash& leaf,
                      const std::function<void(int, uint64_t, const Hash&)>& completed) {
  completed(0, size_, leaf);
  nodes_.push_back(Node{0, leaf});
  uint64_t index = size_;
  while (nodes_.size() >= 2 && nodes_[nodes_.size() - 2].level == nodes_.back().level) {
    Node right = nodes_.back();
    nodes_.pop_back();
    Node& left = nodes_.back();
    left.hash = HashChildren(left.hash, right.hash);
    left.level += 1;
    index >>= 1;
    completed(left.level, index, left.hash);
  }
  ++size_;
}

Hash Frontier::Root() const {
  if (nodes_.empty()) return EmptyRoot();
  Hash root = nodes_.back().hash;
  for (size_t i = nodes_.size() - 1; i-- > 0;) root = HashChildren(nodes_[i].hash, root);
  return root;
}

}  // namespace wulian::merkle
