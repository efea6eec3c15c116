// RFC 6962 Merkle trees: the published test vectors, and proofs for every size up to 64.
#include "events/merkle.h"

#include <gtest/gtest.h>

#include <map>

#include "base/hash.h"

namespace wulian::merkle {
namespace {

Hash H(const std::string& hex) {
  Hash h{};
  EXPECT_TRUE(FromHex(hex, h.data(), h.size())) << hex;
  return h;
}

std::string Unhex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  EXPECT_TRUE(FromHex(hex, reinterpret_cast<uint8_t*>(out.data()), out.size()));
  return out;
}

// The eight leaf inputs of the certificate-transparency test vectors.
const char* const kLeaves[] = {"",
                               "00",
                               "10",
                               "2021",
                               "3031",
                               "40414243",
                               "5051525354555657",
                               "606162636465666768696a6b6c6d6e6f"};
// MTH of the first 1..8 leaves.
const char* const kRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

// A tree in memory: every completed node, as the store keeps them.
class MemoryTree {
 public:
  void Append(const Hash& leaf) {
    frontier_.Append(leaf, [&](int level, uint64_t index, const Hash& node) {
      nodes_[{level, index}] = node;
    });
  }
  NodeReader Reader() const {
    return [this](int level, uint64_t index, Hash* out) {
      auto it = nodes_.find({level, index});
      if (it == nodes_.end()) return Status::NotFound("node");
      *out = it->second;
      return Status::OK();
    };
  }
  const Frontier& frontier() const { return frontier_; }

 private:
  Frontier frontier_;
  std::map<std::pair<int, uint64_t>, Hash> nodes_;
};

MemoryTree VectorTree(size_t n) {
  MemoryTree tree;
  for (size_t i = 0; i < n; ++i) tree.Append(HashLeaf(Unhex(kLeaves[i])));
  return tree;
}

TEST(MerkleTest, EmptyTreeIsTheHashOfNothing) {
  EXPECT_EQ(ToHex(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Hash root;
  ASSERT_TRUE(Root(MemoryTree().Reader(), 0, &root).ok());
  EXPECT_EQ(root, EmptyRoot());
}

TEST(MerkleTest, RootsMatchThePublishedVectorsForSizesOneToEight) {
  MemoryTree tree;
  for (size_t n = 1; n <= 8; ++n) {
    tree.Append(HashLeaf(Unhex(kLeaves[n - 1])));
    EXPECT_EQ(ToHex(tree.frontier().Root()), kRoots[n - 1]) << "size " << n;
    Hash root;
    ASSERT_TRUE(Root(tree.Reader(), n, &root).ok());
    EXPECT_EQ(ToHex(root), kRoots[n - 1]) << "size " << n;
  }
}

TEST(MerkleTest, InclusionProofsMatchThePublishedVectors) {
  const MemoryTree tree = VectorTree(8);
  const struct {
    uint64_t index, size;
    std::vector<std::string> path;
  } cases[] = {
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {0, 1, {}},
  };
  for (const auto& c : cases) {
    std::vector<Hash> proof;
    ASSERT_TRUE(InclusionProof(tree.Reader(), c.index, c.size, &proof).ok());
    std::vector<std::string> hex;
    for (const auto& h : proof) hex.push_back(ToHex(h));
    EXPECT_EQ(hex, c.path) << c.index << " in " << c.size;
    EXPECT_TRUE(VerifyInclusion(c.index, c.size, HashLeaf(Unhex(kLeaves[c.index])), proof,
                                H(kRoots[c.size - 1])));
  }
}

TEST(MerkleTest, ConsistencyProofsMatchThePublishedVectors) {
  const MemoryTree tree = VectorTree(8);
  const struct {
    uint64_t m, n;
    std::vector<std::string> path;
  } cases[] = {
      {1, 1, {}},
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const auto& c : cases) {
    std::vector<Hash> proof;
    ASSERT_TRUE(ConsistencyProof(tree.Reader(), c.m, c.n, &proof).ok());
    std::vector<std::string> hex;
    for (const auto& h : proof) hex.push_back(ToHex(h));
    EXPECT_EQ(hex, c.path) << c.m << " to " << c.n;
    EXPECT_TRUE(VerifyConsistency(c.m, c.n, H(kRoots[c.m - 1]), H(kRoots[c.n - 1]), proof));
  }
}

Hash Flip(Hash h, int bit) {
  h[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
  return h;
}

class ExhaustiveTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kSizeMax = 64;
  void SetUp() override {
    for (uint64_t i = 0; i < kSizeMax; ++i) {
      leaves_.push_back(HashLeaf(std::string(1, static_cast<char>(i)) + "leaf"));
      tree_.Append(leaves_.back());
      roots_.push_back(tree_.frontier().Root());
    }
  }
  Hash RootOf(uint64_t n) const { return roots_[n - 1]; }
  std::vector<Hash> leaves_, roots_;
  MemoryTree tree_;
};

TEST_F(ExhaustiveTest, EveryInclusionProofUpToSize64VerifiesAndEveryBitFlipIsRejected) {
  for (uint64_t n = 1; n <= kSizeMax; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      std::vector<Hash> proof;
      ASSERT_TRUE(InclusionProof(tree_.Reader(), i, n, &proof).ok());
      ASSERT_TRUE(VerifyInclusion(i, n, leaves_[i], proof, RootOf(n))) << i << " in " << n;
      EXPECT_FALSE(VerifyInclusion(i, n, leaves_[i], proof, RootOf(n == 1 ? 2 : n - 1)));
      EXPECT_FALSE(VerifyInclusion(i + 1, n, leaves_[i], proof, RootOf(n)));
      // The size is authenticated by the signed head, not the path; a doubled size never fits.
      EXPECT_FALSE(VerifyInclusion(i, 2 * n, leaves_[i], proof, RootOf(n))) << i << " in " << n;
      std::vector<Hash> longer = proof;
      longer.push_back(RootOf(n));
      EXPECT_FALSE(VerifyInclusion(i, n, leaves_[i], longer, RootOf(n)));
      if (!proof.empty()) {
        std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
        EXPECT_FALSE(VerifyInclusion(i, n, leaves_[i], shorter, RootOf(n)));
      }
      for (int bit = 0; bit < 256; ++bit) {
        ASSERT_FALSE(VerifyInclusion(i, n, Flip(leaves_[i], bit), proof, RootOf(n)));
        ASSERT_FALSE(VerifyInclusion(i, n, leaves_[i], proof, Flip(RootOf(n), bit)));
        for (size_t k = 0; k < proof.size(); ++k) {
          std::vector<Hash> bad = proof;
          bad[k] = Flip(bad[k], bit);
          ASSERT_FALSE(VerifyInclusion(i, n, leaves_[i], bad, RootOf(n)))
              << i << " " << n << " " << k << " " << bit;
        }
      }
    }
  }
}

TEST_F(ExhaustiveTest, EveryConsistencyProofUpToSize64VerifiesAndEveryBitFlipIsRejected) {
  for (uint64_t n = 1; n <= kSizeMax; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      std::vector<Hash> proof;
      ASSERT_TRUE(ConsistencyProof(tree_.Reader(), m, n, &proof).ok());
      ASSERT_TRUE(VerifyConsistency(m, n, RootOf(m), RootOf(n), proof)) << m << " to " << n;
      if (m == n) {
        EXPECT_FALSE(VerifyConsistency(m, n, RootOf(m), RootOf(n), {RootOf(m)}));
        continue;
      }
      EXPECT_FALSE(VerifyConsistency(m, n, RootOf(n), RootOf(m), proof));
      EXPECT_FALSE(VerifyConsistency(m, n, RootOf(m), RootOf(n), {}));
      for (int bit = 0; bit < 256; ++bit) {
        ASSERT_FALSE(VerifyConsistency(m, n, Flip(RootOf(m), bit), RootOf(n), proof));
        ASSERT_FALSE(VerifyConsistency(m, n, RootOf(m), Flip(RootOf(n), bit), proof));
        for (size_t k = 0; k < proof.size(); ++k) {
          std::vector<Hash> bad = proof;
          bad[k] = Flip(bad[k], bit);
          ASSERT_FALSE(VerifyConsistency(m, n, RootOf(m), RootOf(n), bad))
              << m << " " << n << " " << k << " " << bit;
        }
      }
    }
  }
}

TEST_F(ExhaustiveTest, FrontierReloadedFromStoredNodesGivesTheSameRoots) {
  for (uint64_t n = 0; n <= kSizeMax; ++n) {
    Frontier loaded;
    ASSERT_TRUE(Frontier::Load(tree_.Reader(), n, &loaded).ok());
    EXPECT_EQ(loaded.Root(), n == 0 ? EmptyRoot() : RootOf(n));
    EXPECT_EQ(loaded.size(), n);
  }
}

}  // namespace
}  // namespace wulian::merkle
