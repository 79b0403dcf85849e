#include "io/json_lines.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <utility>

#include "src/base/errors.hpp"

namespace dnmf::io {
namespace {

// Iterative: a line of a million nested brackets must end in a message, not overflow the
// stack as the recursive parser would.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag;

const char* type_name(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "a boolean";
    case rapidjson::kObjectType: return "an object";
    case rapidjson::kArrayType: return "an array";
    case rapidjson::kStringType: return "a string";
    case rapidjson::kNumberType: return "a number";
  }
  return "of an unknown type";
}

}  // namespace

bool is_blank_line(std::string_view line) { return line.find_first_not_of(" \t\r\n") == std::string_view::npos; }

struct JsonLineReader::Parser {
  rapidjson::Document document;
};

JsonLineReader::JsonLineReader(RecordFields fields) : fields_(std::move(fields)), parser_(std::make_unique<Parser>()) {}

JsonLineReader::~JsonLineReader() = default;

void JsonLineReader::read(std::string_view line, const std::string& source, uint64_t first_byte,
                          RecordDocument& document) {
  auto problem = [&](const std::string& what) {
    return MalformedRecord(source + ": the JSON line at byte offset " + std::to_string(first_byte) + " " + what);
  };
  rapidjson::Document& parsed = parser_->document;
  // The strings of a parsed line are copied into the document's memory pool, which
  // Parse does not empty: without this the pool would hold every line of the file.
  parsed.SetNull();
  parsed.GetAllocator().Clear();
  if (fields_.check_utf8)
    parsed.Parse<kParseFlags | rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
  else
    parsed.Parse<kParseFlags>(line.data(), line.size());
  if (parsed.HasParseError()) {
    const bool encoding = parsed.GetParseError() == rapidjson::kParseErrorStringInvalidEncoding;
    throw problem("is not valid JSON: " + std::string(rapidjson::GetParseError_En(parsed.GetParseError())) +
                  " (at its byte " + std::to_string(parsed.GetErrorOffset()) +
                  (encoding ? "; --decode-error replace reads invalid UTF-8 as U+FFFD)" : ")"));
  }
  if (!parsed.IsObject()) throw problem("is " + std::string(type_name(parsed)) + ", not a JSON object");

  // The member `name` as text: a string as it is; for ids and labels, an integer too.
  auto field_text = [&](const std::string& name, bool integers_allowed, std::string& text) {
    const auto member = parsed.FindMember(rapidjson::StringRef(name.data(), name.size()));
    if (member == parsed.MemberEnd()) throw problem("has no field \"" + name + "\"");
    const rapidjson::Value& value = member->value;
    if (value.IsString())
      text.append(value.GetString(), value.GetStringLength());
    else if (integers_allowed && value.IsInt64())
      text += std::to_string(value.GetInt64());
    else if (integers_allowed && value.IsUint64())
      text += std::to_string(value.GetUint64());
    else
      throw problem("has a field \"" + name + "\" that is " + type_name(value) + ", not " +
                    (integers_allowed ? "a string or an integer" : "a string"));
  };
  document.text.clear();
  for (size_t f = 0; f < fields_.text.size(); ++f) {
    if (f > 0) document.text += "\n\n";
    field_text(fields_.text[f], false, document.text);
  }
  document.id.clear();
  if (!fields_.id.empty()) field_text(fields_.id, true, document.id);
  document.label.clear();
  if (!fields_.label.empty()) field_text(fields_.label, true, document.label);
}

}  // namespace dnmf::io
