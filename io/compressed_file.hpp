#pragma once
// Compressed inputs: gzip, zstd, bzip2 and xz files, known by their first bytes (not by
// their names), read through zlib, libzstd, libbz2 and liblzma from Debian. Concatenated
// streams (gzip members, zstd frames, bzip2 and xz streams, as parallel compressors and
// `cat a.gz b.gz` make them) read as one. A stream that ends early, damaged data, or
// bytes after the last stream that do not start another are a UserError naming the file,
// the format and the byte offset in the compressed file: a decompressor that stopped
// quietly there would drop the rest of a corpus without a word.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace dnmf::io {

enum class Compression { none, gzip, zstd, bzip2, xz };

// By a file's first bytes (at least 6 of them when the file has them); none for text.
Compression compression_of_bytes(const unsigned char* head, size_t size);
Compression compression_of(const std::string& path);
const char* compression_name(Compression compression);

// A file's bytes, decompressed when it is compressed, read sequentially.
class DecompressedReader {
 public:
  explicit DecompressedReader(const std::string& path);
  ~DecompressedReader();
  DecompressedReader(const DecompressedReader&) = delete;
  DecompressedReader& operator=(const DecompressedReader&) = delete;

  // Up to `bytes` bytes into `into`; 0 only at the end.
  size_t read(char* into, size_t bytes);
  Compression compression() const { return compression_; }
  // Bytes of the file read so far (compressed bytes for a compressed file).
  uint64_t file_bytes_read() const { return file_bytes_read_; }

  struct Codec;  // one format's decompressor (compressed_file.cpp)

 private:
  size_t read_file(unsigned char* into, size_t bytes);
  bool refill(size_t keep_at_least);
  uint64_t offset() const { return file_bytes_read_ - input_left_; }

  std::string path_;
  std::FILE* file_ = nullptr;
  Compression compression_ = Compression::none;
  std::unique_ptr<Codec> codec_;
  std::vector<unsigned char> input_;
  const unsigned char* next_input_ = nullptr;
  size_t input_left_ = 0;
  uint64_t file_bytes_read_ = 0;
  bool file_ended_ = false;
  bool stream_ended_ = false;  // the last step ended a stream; another may follow
};

// The whole file, decompressed when it is compressed, into `bytes` (reusing its memory).
void read_decompressed(const std::string& path, std::string& bytes);

}  // namespace dnmf::io
