#include "server/resolve_request.h"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace srclink::server {

namespace {

constexpr int kMaxDepth = 64;

// A cursor over JSON text. Every method returns false on malformed JSON
// after recording where; type mismatches are reported by the caller.
class Reader {
 public:
  explicit Reader(std::string_view text)
      : p_(text.data()), begin_(text.data()), end_(text.data() + text.size()) {}

  void SkipWs() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool AtEnd() {
    SkipWs();
    return p_ == end_;
  }
  // Next significant character, or '\0' at the end.
  char Peek() {
    SkipWs();
    return p_ < end_ ? *p_ : '\0';
  }
  bool Consume(char c) {
    if (Peek() != c) return Fail(std::string("expected '") + c + "'");
    ++p_;
    return true;
  }
  // After '{' or ',' in an object: true with *done when the object ended.
  bool Fail(const std::string& what) {
    if (error_.empty()) {
      error_ = what + " at byte " + std::to_string(p_ - begin_);
    }
    return false;
  }
  const std::string& error() const { return error_; }

  // "string", "number", "object", "array", "boolean", "null": the JSON type
  // of the next value, for error messages.
  const char* TypeName() {
    switch (Peek()) {
      case '"':
        return "a string";
      case '{':
        return "an object";
      case '[':
        return "an array";
      case 't':
      case 'f':
        return "a boolean";
      case 'n':
        return "null";
      default:
        return "a number";
    }
  }

  bool ReadString(std::string* out) {
    if (!Consume('"')) return false;
    out->clear();
    for (;;) {
      const char* run = p_;
      while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20)
        ++p_;
      out->append(run, static_cast<size_t>(p_ - run));
      if (p_ >= end_) return Fail("unterminated string");
      char c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c != '\\') return Fail("control character in a string");
      if (++p_ >= end_) return Fail("unterminated string");
      switch (*p_++) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
            const char* save = p_;
            p_ += 2;
            uint32_t low = 0;
            if (!Hex4(&low)) return false;
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              p_ = save;  // a lone high surrogate; the next escape stands alone
            }
          }
          if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
          AppendUtf8(cp, out);
          break;
        }
        default:
          --p_;
          return Fail("invalid escape in a string");
      }
    }
  }

  // A number's text (validated against the JSON grammar).
  bool ReadNumber(std::string_view* text) {
    SkipWs();
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ >= end_ || !IsDigit(*p_)) return Fail("invalid number");
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ >= end_ || !IsDigit(*p_)) return Fail("invalid number");
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || !IsDigit(*p_)) return Fail("invalid number");
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    *text = std::string_view(start, static_cast<size_t>(p_ - start));
    return true;
  }

  bool ReadLiteral(const char* word) {
    SkipWs();
    size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) {
      return Fail("invalid value");
    }
    p_ += n;
    return true;
  }

  bool SkipValue(int depth = 0) {
    if (depth > kMaxDepth) return Fail("nested too deeply");
    switch (Peek()) {
      case '"': {
        std::string ignored;
        return ReadString(&ignored);
      }
      case '{': {
        ++p_;
        if (Peek() == '}') return ++p_, true;
        for (;;) {
          std::string ignored;
          if (!ReadString(&ignored) || !Consume(':') || !SkipValue(depth + 1)) return false;
          if (Peek() == ',') {
            ++p_;
            continue;
          }
          return Consume('}');
        }
      }
      case '[': {
        ++p_;
        if (Peek() == ']') return ++p_, true;
        for (;;) {
          if (!SkipValue(depth + 1)) return false;
          if (Peek() == ',') {
            ++p_;
            continue;
          }
          return Consume(']');
        }
      }
      case 't':
        return ReadLiteral("true");
      case 'f':
        return ReadLiteral("false");
      case 'n':
        return ReadLiteral("null");
      case '\0':
        return Fail("unexpected end");
      default: {
        std::string_view ignored;
        return ReadNumber(&ignored);
      }
    }
  }

 private:
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  bool Hex4(uint32_t* out) {
    if (end_ - p_ < 4) return Fail("invalid \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return Fail("invalid \\u escape");
    }
    *out = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  const char* p_;
  const char* begin_;
  const char* end_;
  std::string error_;
};

// Parses one request; `err->field` is set for type errors, empty for syntax errors.
class RequestParser {
 public:
  RequestParser(std::string_view body, ResolveRequest* r, FieldError* err)
      : in_(body), r_(r), err_(err) {}

  bool Parse() {
    if (in_.Peek() != '{') {
      const char* type = in_.TypeName();
      if (in_.Peek() != '\0' && in_.SkipValue() && in_.AtEnd()) {
        return FieldFail("", std::string("the request body must be a JSON object, not ") + type);
      }
      return SyntaxFail();
    }
    bool has_frames = false;
    if (!Object([&](const std::string& key) {
          if (key == "repository_url") return String(&r_->repository_url, "repository_url");
          if (key == "commit_sha") return String(&r_->commit_sha, "commit_sha");
          if (key == "root_path") return String(&r_->options.root_path, "root_path");
          if (key == "mappings") return Mappings();
          if (key == "frames") return has_frames = true, Frames();
          if (key == "snippets") return Bool(&r_->snippets, "snippets");
          if (key == "context") return Int(&r_->context, kMaxSnippetContext, "context");
          if (key == "service") return String(&r_->service, "service");
          if (key == "version") return String(&r_->version, "version");
          return in_.SkipValue() || SyntaxFail();
        })) {
      return false;
    }
    if (!in_.AtEnd()) {
      in_.Fail("unexpected text after the JSON object");
      return SyntaxFail();
    }
    // With "service", the server fills in what it learnt from the service's telemetry.
    if (r_->repository_url.empty() && r_->service.empty()) {
      return FieldFail("repository_url",
                       "repository_url is missing: give the repository's URL or id, e.g. "
                       "\"github.com/acme/shop\"");
    }
    if (r_->commit_sha.empty() && r_->service.empty()) {
      return FieldFail("commit_sha",
                       "commit_sha is missing: give the commit the frames come from (full SHA or "
                       "a prefix of at least 7 digits)");
    }
    if (!has_frames) return FieldFail("frames", "frames is missing: give an array of frames");
    return true;
  }

 private:
  bool SyntaxFail() {
    if (err_->message.empty()) {
      err_->field.clear();
      err_->message = "the request body is not valid JSON (" + in_.error() +
                      "): send {\"repository_url\": …, \"commit_sha\": …, \"frames\": […]}";
    }
    return false;
  }
  bool FieldFail(std::string field, std::string message) {
    err_->field = std::move(field);
    err_->message = std::move(message);
    return false;
  }
  // Skips a value of the wrong type and reports it.
  bool WrongType(const std::string& field, const char* want) {
    const char* type = in_.TypeName();
    if (!in_.SkipValue()) return SyntaxFail();
    return FieldFail(field, field + " must be " + want + ", not " + type);
  }

  // Calls member(key) for each member, positioned at its value.
  template <typename F>
  bool Object(F&& member) {
    if (!in_.Consume('{')) return SyntaxFail();
    if (in_.Peek() == '}') return in_.Consume('}');
    for (;;) {
      if (in_.Peek() != '"') {
        in_.Fail("expected a member name");
        return SyntaxFail();
      }
      if (!in_.ReadString(&key_) || !in_.Consume(':')) return SyntaxFail();
      if (!member(key_)) return false;
      char c = in_.Peek();
      if (c == ',') {
        in_.Consume(',');
        continue;
      }
      if (c == '}') return in_.Consume('}');
      in_.Fail("expected ',' or '}'");
      return SyntaxFail();
    }
  }

  // Calls element(index) for each element, positioned at it.
  template <typename F>
  bool Array(F&& element) {
    if (!in_.Consume('[')) return SyntaxFail();
    if (in_.Peek() == ']') return in_.Consume(']');
    for (size_t i = 0;; ++i) {
      if (!element(i)) return false;
      char c = in_.Peek();
      if (c == ',') {
        in_.Consume(',');
        continue;
      }
      if (c == ']') return in_.Consume(']');
      in_.Fail("expected ',' or ']'");
      return SyntaxFail();
    }
  }

  bool String(std::string* out, const std::string& field) {
    char c = in_.Peek();
    if (c == 'n') return in_.ReadLiteral("null") || SyntaxFail();
    if (c != '"') return WrongType(field, "a string");
    return in_.ReadString(out) || SyntaxFail();
  }

  bool Bool(bool* out, const std::string& field) {
    char c = in_.Peek();
    if (c == 'n') return in_.ReadLiteral("null") || SyntaxFail();
    if (c == 't') return (*out = true, in_.ReadLiteral("true")) || SyntaxFail();
    if (c == 'f') return (*out = false, in_.ReadLiteral("false")) || SyntaxFail();
    return WrongType(field, "true or false");
  }

  // A non-negative integer of at most `max`; null leaves *out alone.
  bool Int(int* out, int max, const std::string& field) {
    char c = in_.Peek();
    if (c == 'n') return in_.ReadLiteral("null") || SyntaxFail();
    if (c != '-' && (c < '0' || c > '9')) {
      return WrongType(field, "a non-negative integer");
    }
    std::string_view text;
    if (!in_.ReadNumber(&text)) return SyntaxFail();
    if (text.find_first_of(".eE") != std::string_view::npos) {
      return FieldFail(field, field + " must be a non-negative integer, not " + std::string(text));
    }
    if (text[0] == '-') {
      if (text == "-0") return *out = 0, true;
      return FieldFail(field, field + " must not be negative (got " + std::string(text) + ")");
    }
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v > max) {
      return FieldFail(field,
                       field + " is " + std::string(text) + "; at most " + std::to_string(max));
    }
    *out = static_cast<int>(v);
    return true;
  }

  bool Mappings() {
    if (in_.Peek() == 'n') return in_.ReadLiteral("null") || SyntaxFail();
    if (in_.Peek() != '[') {
      return WrongType("mappings", "an array of {\"stack_root\": …, \"source_root\": …}");
    }
    return Array([&](size_t i) {
      const std::string field = "mappings[" + std::to_string(i) + "]";
      if (in_.Peek() != '{') return WrongType(field, "an object");
      CodeMapping m;
      if (!Object([&](const std::string& key) {
            if (key == "stack_root") return String(&m.stack_root, field + ".stack_root");
            if (key == "source_root") return String(&m.source_root, field + ".source_root");
            return in_.SkipValue() || SyntaxFail();
          })) {
        return false;
      }
      if (m.stack_root.empty()) {
        return FieldFail(
            field + ".stack_root",
            field + ".stack_root is missing: the directory frames show, e.g. \"/app\"");
      }
      r_->options.mappings.push_back(std::move(m));
      return true;
    });
  }

  bool Frames() {
    if (in_.Peek() != '[') {
      return WrongType("frames", "an array of frames");
    }
    r_->frames.reserve(64);
    size_t count = 0;
    if (!Array([&](size_t i) {
          ++count;
          if (i >= kMaxResolveFrames)
            return in_.SkipValue() || SyntaxFail();  // counted for the message
          // Field names are built only on error: no per-frame allocation otherwise.
          auto field = [i](const char* name) {
            return "frames[" + std::to_string(i) + "]" + (*name ? "." : "") + name;
          };
          if (in_.Peek() != '{') return WrongType(field(""), "an object");
          Frame& f = r_->frames.emplace_back();
          return Object([&](const std::string& key) {
            if (key == "file") return FrameString(&f.file, field, "file");
            if (key == "line") return FrameInt(&f.line, field, "line");
            if (key == "column") return FrameInt(&f.column, field, "column");
            if (key == "function") return FrameString(&f.function, field, "function");
            if (key == "module") return FrameString(&f.module, field, "module");
            return in_.SkipValue() || SyntaxFail();
          });
        })) {
      return false;
    }
    if (count > kMaxResolveFrames) {
      return FieldFail("frames", "frames: " + std::to_string(count) + " frames; at most " +
                                     std::to_string(kMaxResolveFrames) +
                                     " per request: split the batch");
    }
    return true;
  }

  template <typename Name>
  bool FrameString(std::string* out, const Name& field, const char* key) {
    char c = in_.Peek();
    if (c == '"') return in_.ReadString(out) || SyntaxFail();
    return String(out, field(key));
  }
  template <typename Name>
  bool FrameInt(int* out, const Name& field, const char* key) {
    char c = in_.Peek();
    if (c >= '0' && c <= '9') {  // the common case: no field name built
      std::string_view text;
      if (!in_.ReadNumber(&text)) return SyntaxFail();
      int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && end == text.data() + text.size() && v <= 0x7FFFFFFF) {
        *out = static_cast<int>(v);
        return true;
      }
      const std::string name = field(key);
      if (text.find_first_of(".eE") != std::string_view::npos) {
        return FieldFail(name, name + " must be a non-negative integer, not " + std::string(text));
      }
      return FieldFail(name, name + " is " + std::string(text) + "; at most 2147483647");
    }
    return Int(out, 0x7FFFFFFF, field(key));
  }

  Reader in_;
  ResolveRequest* r_;
  FieldError* err_;
  std::string key_;
};

}  // namespace

bool ParseResolveRequest(std::string_view body, ResolveRequest* request, FieldError* error) {
  *error = FieldError();
  RequestParser parser(body, request, error);
  return parser.Parse();
}

}  // namespace srclink::server
