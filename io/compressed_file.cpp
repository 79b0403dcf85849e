#include "io/compressed_file.hpp"

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <new>
#include <stdexcept>

#include "io/corpus_files.hpp"
#include "src/base/errors.hpp"

namespace dnmf::io {

// One format's decompressor. step() decompresses from input into output, advancing
// both, and says whether a stream ended there; damaged data throws DamagedData with the
// library's words, which read() turns into a message naming the file and offset.
struct DecompressedReader::Codec {
  virtual ~Codec() = default;
  virtual bool step(const unsigned char*& input, size_t& input_left, unsigned char*& output, size_t& output_left) = 0;
  virtual void restart() = 0;  // for the next of concatenated streams
};

namespace {

struct DamagedData : std::runtime_error {
  using std::runtime_error::runtime_error;
};

unsigned limited(size_t bytes) { return static_cast<unsigned>(std::min<size_t>(bytes, UINT_MAX)); }

struct GzipCodec : DecompressedReader::Codec {
  z_stream z{};
  GzipCodec() {
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  }
  ~GzipCodec() override { inflateEnd(&z); }
  bool step(const unsigned char*& input, size_t& input_left, unsigned char*& output, size_t& output_left) override {
    z.next_in = const_cast<unsigned char*>(input);
    z.avail_in = limited(input_left);
    z.next_out = output;
    z.avail_out = limited(output_left);
    const unsigned offered_in = z.avail_in, offered_out = z.avail_out;
    const int status = inflate(&z, Z_NO_FLUSH);
    input += offered_in - z.avail_in;
    input_left -= offered_in - z.avail_in;
    output += offered_out - z.avail_out;
    output_left -= offered_out - z.avail_out;
    if (status == Z_STREAM_END) return true;
    if (status != Z_OK && status != Z_BUF_ERROR) throw DamagedData(z.msg ? z.msg : "zlib error");
    return false;
  }
  void restart() override { inflateReset(&z); }
};

struct ZstdCodec : DecompressedReader::Codec {
  ZSTD_DStream* stream = ZSTD_createDStream();
  ZstdCodec() {
    if (stream == nullptr) throw std::bad_alloc();
    ZSTD_initDStream(stream);
  }
  ~ZstdCodec() override { ZSTD_freeDStream(stream); }
  bool step(const unsigned char*& input, size_t& input_left, unsigned char*& output, size_t& output_left) override {
    ZSTD_inBuffer in{input, input_left, 0};
    ZSTD_outBuffer out{output, output_left, 0};
    const size_t result = ZSTD_decompressStream(stream, &out, &in);
    if (ZSTD_isError(result)) throw DamagedData(ZSTD_getErrorName(result));
    input += in.pos;
    input_left -= in.pos;
    output += out.pos;
    output_left -= out.pos;
    return result == 0;  // a frame decoded and flushed whole
  }
  void restart() override { ZSTD_initDStream(stream); }
};

struct Bzip2Codec : DecompressedReader::Codec {
  bz_stream bz{};
  Bzip2Codec() { start(); }
  ~Bzip2Codec() override { BZ2_bzDecompressEnd(&bz); }
  void start() {
    bz = bz_stream{};
    if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK) throw std::bad_alloc();
  }
  bool step(const unsigned char*& input, size_t& input_left, unsigned char*& output, size_t& output_left) override {
    bz.next_in = reinterpret_cast<char*>(const_cast<unsigned char*>(input));
    bz.avail_in = limited(input_left);
    bz.next_out = reinterpret_cast<char*>(output);
    bz.avail_out = limited(output_left);
    const unsigned offered_in = bz.avail_in, offered_out = bz.avail_out;
    const int status = BZ2_bzDecompress(&bz);
    input += offered_in - bz.avail_in;
    input_left -= offered_in - bz.avail_in;
    output += offered_out - bz.avail_out;
    output_left -= offered_out - bz.avail_out;
    if (status == BZ_STREAM_END) return true;
    if (status != BZ_OK) throw DamagedData(status == BZ_DATA_ERROR_MAGIC ? "not bzip2 data" : "bzip2 data error");
    return false;
  }
  void restart() override {
    BZ2_bzDecompressEnd(&bz);
    start();
  }
};

struct XzCodec : DecompressedReader::Codec {
  lzma_stream xz = LZMA_STREAM_INIT;
  XzCodec() { start(); }
  ~XzCodec() override { lzma_end(&xz); }
  void start() {
    if (lzma_stream_decoder(&xz, UINT64_MAX, 0) != LZMA_OK) throw std::bad_alloc();
  }
  bool step(const unsigned char*& input, size_t& input_left, unsigned char*& output, size_t& output_left) override {
    xz.next_in = input;
    xz.avail_in = input_left;
    xz.next_out = output;
    xz.avail_out = output_left;
    const lzma_ret status = lzma_code(&xz, LZMA_RUN);
    input_left -= static_cast<size_t>(xz.next_in - input);
    input = xz.next_in;
    output_left -= static_cast<size_t>(xz.next_out - output);
    output = xz.next_out;
    if (status == LZMA_STREAM_END) return true;
    if (status == LZMA_OK || status == LZMA_BUF_ERROR) return false;
    throw DamagedData(status == LZMA_FORMAT_ERROR                                 ? "not xz data"
                      : status == LZMA_OPTIONS_ERROR                              ? "unsupported xz options"
                      : status == LZMA_MEMLIMIT_ERROR || status == LZMA_MEM_ERROR ? "out of memory"
                                                                                  : "xz data error");
  }
  void restart() override {
    lzma_end(&xz);
    xz = LZMA_STREAM_INIT;
    start();
  }
};

// The bytes that open a stream of each format, and how many a check needs.
size_t magic_length(Compression compression) {
  switch (compression) {
    case Compression::gzip: return 2;
    case Compression::bzip2: return 3;
    case Compression::zstd: return 4;
    case Compression::xz: return 6;
    case Compression::none: break;
  }
  return 0;
}

bool opens_stream(Compression compression, const unsigned char* bytes, size_t size) {
  if (size < magic_length(compression)) return false;
  switch (compression) {
    case Compression::gzip: return bytes[0] == 0x1F && bytes[1] == 0x8B;
    case Compression::bzip2: return bytes[0] == 'B' && bytes[1] == 'Z' && bytes[2] == 'h';
    case Compression::zstd:  // a frame, or a skippable frame (parallel zstd writes those)
      return (bytes[0] == 0x28 && bytes[1] == 0xB5 && bytes[2] == 0x2F && bytes[3] == 0xFD) ||
             ((bytes[0] & 0xF0) == 0x50 && bytes[1] == 0x2A && bytes[2] == 0x4D && bytes[3] == 0x18);
    case Compression::xz:
      return std::memcmp(bytes,
                         "\xFD"
                         "7zXZ\0",
                         6) == 0;
    case Compression::none: break;
  }
  return false;
}

// What one stream of the format is called when it is one of several.
const char* stream_unit(Compression compression) {
  return compression == Compression::gzip ? "member" : compression == Compression::zstd ? "frame" : "stream";
}

std::unique_ptr<DecompressedReader::Codec> codec_for(Compression compression) {
  switch (compression) {
    case Compression::gzip: return std::make_unique<GzipCodec>();
    case Compression::zstd: return std::make_unique<ZstdCodec>();
    case Compression::bzip2: return std::make_unique<Bzip2Codec>();
    case Compression::xz: return std::make_unique<XzCodec>();
    case Compression::none: break;
  }
  return nullptr;
}

}  // namespace

Compression compression_of_bytes(const unsigned char* head, size_t size) {
  for (Compression compression : {Compression::gzip, Compression::zstd, Compression::bzip2, Compression::xz})
    if (opens_stream(compression, head, size)) return compression;
  return Compression::none;
}

Compression compression_of(const std::string& path) {
  const std::string head = read_file_range(path, 0, 6);
  return compression_of_bytes(reinterpret_cast<const unsigned char*>(head.data()), head.size());
}

const char* compression_name(Compression compression) {
  switch (compression) {
    case Compression::gzip: return "gzip";
    case Compression::zstd: return "zstd";
    case Compression::bzip2: return "bzip2";
    case Compression::xz: return "xz";
    case Compression::none: break;
  }
  return "uncompressed";
}

DecompressedReader::DecompressedReader(const std::string& path) : path_(path), compression_(compression_of(path)) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) throw UserError(path + ": cannot open (" + std::strerror(errno) + ")");
  if (compression_ != Compression::none) {
    codec_ = codec_for(compression_);
    input_.resize(1u << 20);
    next_input_ = input_.data();
  }
}

DecompressedReader::~DecompressedReader() {
  if (file_ != nullptr) std::fclose(file_);
}

size_t DecompressedReader::read_file(unsigned char* into, size_t bytes) {
  const size_t got = std::fread(into, 1, bytes, file_);
  if (got < bytes && std::ferror(file_)) throw UserError(path_ + ": cannot read (" + std::strerror(errno) + ")");
  file_bytes_read_ += got;
  return got;
}

bool DecompressedReader::refill(size_t keep_at_least) {
  const auto start = static_cast<size_t>(next_input_ - input_.data());
  if (keep_at_least > input_.size()) input_.resize(2 * keep_at_least);
  std::memmove(input_.data(), input_.data() + start, input_left_);
  next_input_ = input_.data();
  while (input_left_ < keep_at_least && !file_ended_) {
    const size_t got = read_file(input_.data() + input_left_, input_.size() - input_left_);
    if (got == 0) file_ended_ = true;
    input_left_ += got;
  }
  return input_left_ >= keep_at_least;
}

size_t DecompressedReader::read(char* into, size_t bytes) {
  auto* output = reinterpret_cast<unsigned char*>(into);
  if (!codec_) return read_file(output, bytes);
  const std::string name = compression_name(compression_);
  size_t output_left = bytes;
  while (output_left == bytes && bytes > 0) {
    if (stream_ended_) {
      refill(magic_length(compression_));
      if (input_left_ == 0) return 0;  // the last stream ended with the file
      if (!opens_stream(compression_, next_input_, input_left_))
        throw UserError(path_ + ": bytes after the end of the " + name + " stream, at byte offset " +
                        std::to_string(offset()) + " (not another " + name + " " + stream_unit(compression_) + ")");
      codec_->restart();
      stream_ended_ = false;
    }
    if (input_left_ == 0 && !refill(1))
      throw UserError(path_ + ": the " + name + " stream ends early, at byte offset " + std::to_string(offset()) +
                      " (a truncated file?)");
    const size_t input_before = input_left_;
    try {
      stream_ended_ = codec_->step(next_input_, input_left_, output, output_left);
    } catch (const DamagedData& damaged) {
      throw UserError(path_ + ": damaged " + name + " data near byte offset " + std::to_string(offset()) + " (" +
                      damaged.what() + ")");
    }
    // No progress with input at hand: the codec needs more of it at once.
    if (!stream_ended_ && output_left == bytes && input_left_ == input_before && !refill(input_left_ + 1))
      throw UserError(path_ + ": the " + name + " stream ends early, at byte offset " + std::to_string(offset()) +
                      " (a truncated file?)");
  }
  return bytes - output_left;
}

void read_decompressed(const std::string& path, std::string& bytes) {
  DecompressedReader reader(path);
  bytes.clear();
  constexpr size_t kBlock = 1u << 20;
  while (true) {
    const size_t old_size = bytes.size();
    bytes.resize(old_size + kBlock);
    const size_t got = reader.read(bytes.data() + old_size, kBlock);
    bytes.resize(old_size + got);
    if (got == 0) return;
  }
}

}  // namespace dnmf::io
