// How items travel in the communication module's typed protocols (src/base/comm.hpp):
// packed and unpacked here without MPI.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "io/corpus_files.hpp"
#include "src/base/comm.hpp"

using namespace dnmf;

namespace {

struct Plain {
  int64_t a;
  double b;
};

}  // namespace

TEST_CASE("plain values, strings, pairs and vectors round-trip in order") {
  std::vector<std::pair<std::string, std::vector<int64_t>>> items{{"", {}}, {"one", {1}}, {"tw\0o", {2, -3}}};
  items[2].first = std::string("tw\0o", 4);  // an embedded NUL travels too
  CHECK(unpack_items<std::pair<std::string, std::vector<int64_t>>>(pack_items(items)) == items);
  const std::vector<Plain> plain{{1, 0.5}, {-7, 1e300}};
  const auto back = unpack_items<Plain>(pack_items(plain));
  REQUIRE(back.size() == 2);
  CHECK(back[1].a == -7);
  CHECK(back[1].b == 1e300);
  CHECK(unpack_items<int64_t>(pack_items(std::vector<int64_t>{})).empty());
}

TEST_CASE("a type with its own pack and unpack round-trips through them") {
  io::InputFile file;
  file.path = "/data/a b/c";
  file.id = "a b/c";
  file.group = "a b";
  file.bytes = 1ull << 40;
  file.input = 3;
  const auto back = unpack_items<io::InputFile>(pack_items(std::vector<io::InputFile>{file, file}));
  REQUIRE(back.size() == 2);
  CHECK(back[1].path == file.path);
  CHECK(back[1].id == file.id);
  CHECK(back[1].group == file.group);
  CHECK(back[1].bytes == file.bytes);
  CHECK(back[1].input == 3u);
}
