// The Merkle tree of RFC 6962 §2.1 over the leaf hashes of the log (SPEC §4).
//
// MTH({}) = SHA-256(), MTH({d}) = SHA-256(0x00 ‖ d) (the event's `hash`), and
// MTH(D[n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])) with k the largest power of two
// below n. A node (level, index) is the root of the perfect subtree over the leaves
// [index·2^level, (index+1)·2^level); the store keeps every such node, so that the root and
// the proofs of any earlier size can be produced in O(log n) reads.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "base/hash.h"
#include "base/status.h"

namespace wulian::merkle {

inline constexpr int kLevelsMax = 64;

Hash EmptyRoot();
// SHA-256(0x00 ‖ data): the leaf hash of raw data (the log's leaves are event hashes).
Hash HashLeaf(std::string_view data);
// SHA-256(0x01 ‖ left ‖ right).
Hash HashChildren(const Hash& left, const Hash& right);

// Reads the stored node (level, index).
using NodeReader = std::function<Status(int level, uint64_t index, Hash* node)>;

// MTH(D[0:size]).
Status Root(const NodeReader& nodes, uint64_t size, Hash* root);
// The audit path of RFC 6962 §2.1.1 for leaf `index` (0-based) in the tree of `size`.
// REQUIRES: index < size.
Status InclusionProof(const NodeReader& nodes, uint64_t index, uint64_t size,
                      std::vector<Hash>* proof);
// The consistency proof of RFC 6962 §2.1.2 between sizes m and n. REQUIRES: 0 < m <= n.
Status ConsistencyProof(const NodeReader& nodes, uint64_t m, uint64_t n, std::vector<Hash>* proof);

// RFC 9162 §2.1.3.2: does `proof` show `leaf` at `index` in the tree of `size` and `root`?
bool VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf,
                     const std::vector<Hash>& proof, const Hash& root);
// RFC 9162 §2.1.4.2: does `proof` show the tree (m, root_m) is a prefix of (n, root_n)?
bool VerifyConsistency(uint64_t m, uint64_t n, const Hash& root_m, const Hash& root_n,
                       const std::vector<Hash>& proof);

// The right edge of a growing tree: the roots of its perfect subtrees, largest first.
// Appending a leaf completes O(1) nodes on average; each completed node is reported.
class Frontier {
 public:
  // Loads the frontier of a tree of `size` from stored nodes.
  static Status Load(const NodeReader& nodes, uint64_t size, Frontier* frontier);

  // Adds the next leaf and calls `completed` for it and for every node it completes.
  void Append(const Hash& leaf,
              const std::function<void(int level, uint64_t index, const Hash&)>& completed);
  Hash Root() const;
  uint64_t size() const { return size_; }

 private:
  struct Node {
    int level;
    Hash hash;
  };
  uint64_t size_ = 0;
  std::vector<Node> nodes_;  // levels strictly decreasing
};

}  // namespace wulian::merkle
