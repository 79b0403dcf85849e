// The HDF5 layer (io/h5.hpp) on one process: datasets, string tables and attributes
// round-trip, errors name the file, and an atomic write leaves nothing behind on failure.
#include <catch2/catch.hpp>

#include <mpi.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/h5.hpp"
#include "src/base/errors.hpp"

using namespace dnmf;

namespace {

// A fresh folder for one test, removed after it.
struct TemporaryFolder {
  std::filesystem::path path;
  TemporaryFolder() {
    path = std::filesystem::temp_directory_path() / ("dnmf-unit-h5-" + std::to_string(getpid()));
    std::filesystem::create_directories(path);
  }
  ~TemporaryFolder() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("datasets, string tables and attributes read back as written") {
  TemporaryFolder folder;
  const std::string path = (folder.path / "round.h5").string();
  {
    auto file = h5::File::create(MPI_COMM_SELF, path);
    file.write_slice<double>("/values", 3, 0, {1.5, -2.0, 1e-300});
    file.write_rows<double>("/matrix", 2, 3, 0, {1, 2, 3, 4, 5, 6});
    file.write_strings("/words", 0, {"alpha", "", "\xc3\xa9t\xc3\xa9"});
    file.write_attribute("/", "name", std::string("dnmf"));
    file.write_attribute("/", "count", int64_t{7});
    file.write_attribute("/", "ratio", 0.25);
    file.close();
  }
  auto file = h5::File::open(MPI_COMM_SELF, path);
  CHECK(file.read_slice<double>("/values", 1, 2) == std::vector<double>{-2.0, 1e-300});
  CHECK(file.read_rows<double>("/matrix", 1, 1, 3) == std::vector<double>{4, 5, 6});
  CHECK(file.dataset_shape("/matrix") == std::vector<int64_t>{2, 3});
  CHECK(file.string_count("/words") == 3);
  CHECK(file.read_strings("/words", 0, 3) == std::vector<std::string>{"alpha", "", "\xc3\xa9t\xc3\xa9"});
  CHECK(file.read_string_attribute("/", "name") == "dnmf");
  CHECK(file.read_int_attribute("/", "count") == std::vector<int64_t>{7});
  CHECK(file.read_real_attribute("/", "ratio") == 0.25);
  CHECK(file.exists("/words/utf8"));
  CHECK_FALSE(file.exists("/nothing/here"));
}

TEST_CASE("what is missing or of the wrong shape is a user error naming the file") {
  TemporaryFolder folder;
  const std::string path = (folder.path / "small.h5").string();
  {
    auto file = h5::File::create(MPI_COMM_SELF, path);
    file.write_slice<double>("/values", 2, 0, {1, 2});
    file.close();
  }
  auto file = h5::File::open(MPI_COMM_SELF, path);
  CHECK_THROWS_WITH(file.dataset_shape("/absent"), Catch::Contains(path) && Catch::Contains("no dataset '/absent'"));
  CHECK_THROWS_AS(file.read_slice<double>("/values", 1, 5), UserError);
  CHECK_THROWS_WITH(file.read_string_attribute("/", "format"), Catch::Contains("attribute 'format'"));
  CHECK_THROWS_WITH(h5::File::open(MPI_COMM_SELF, path + ".missing"), Catch::Contains("no such file"));
}

TEST_CASE("an atomic write that fails leaves neither the file nor a temporary one") {
  TemporaryFolder folder;
  const std::string path = (folder.path / "model.h5").string();
  CHECK_THROWS_WITH(h5::write_file_atomically(MPI_COMM_SELF, path,
                                              [](h5::File& file) {
                                                file.write_slice<double>("/partial", 1, 0, {1});
                                                throw UserError("stop half way");
                                              }),
                    "stop half way");
  CHECK(std::filesystem::is_empty(folder.path));
  h5::write_file_atomically(MPI_COMM_SELF, path, [](h5::File& file) { file.write_slice<double>("/whole", 1, 0, {2}); });
  CHECK(h5::File::open(MPI_COMM_SELF, path).read_slice<double>("/whole", 0, 1) == std::vector<double>{2});
}
