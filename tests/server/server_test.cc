#include "server/server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zstd.h>

#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "server/api_keys.h"
#include "server/fake_store.h"
#include "store/sqlite_store.h"

namespace srclink::server {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSha[] = "3f2c3f2c3f2c3f2c3f2c3f2c3f2c3f2c3f2c3f2c";

std::string GitBlobId(const std::string& contents) {
  std::string data = "blob " + std::to_string(contents.size()) + std::string(1, '\0') + contents;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha1(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string Zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

void Put32(std::string& out, uint32_t v) {
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// One application/x-srclink-blobs record.
std::string Record(const std::string& hex_id, const std::string& contents,
                   const std::string& frame) {
  std::string out;
  for (size_t i = 0; i < 40; i += 2)
    out.push_back(static_cast<char>(std::stoi(hex_id.substr(i, 2), nullptr, 16)));
  Put32(out, static_cast<uint32_t>(contents.size()));
  Put32(out, static_cast<uint32_t>(frame.size()));
  return out + frame;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("srclink-server-test-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto store = OpenSqliteStore((dir_ / "srclink.db").string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    flaky_ = std::make_unique<testing::FlakyStore>(store_.get());
    upload_key_ = MakeKey("ci", kScopeUpload);
    read_key_ = MakeKey("grafana", kScopeRead);
  }

  void TearDown() override {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
    for (const std::string& line : logs_) {
      EXPECT_THAT(line, Not(HasSubstr(upload_key_.substr(16)))) << "a secret was logged";
    }
    server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string MakeKey(const std::string& name, uint32_t scopes) {
    auto key = GenerateApiKey();
    EXPECT_TRUE(key.ok());
    ApiKeyInfo info{key->key_id, HashSecret(key->secret), name, scopes, 1};
    EXPECT_TRUE(store_->PutApiKey(info).ok());
    return key->key;
  }

  void StartServer(ServerOptions options = {}) {
    options.listen = options.listen == ServerOptions{}.listen ? "127.0.0.1:0" : options.listen;
    options.data_dir = dir_.string();
    server_ = std::make_unique<Server>(options, flaky_.get(), [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      logs_.emplace_back(line);
    });
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.message();
    ASSERT_GT(server_->port(), 0);
  }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10);
    return c;
  }

  httplib::Headers Auth(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

  json CommitBody(const std::vector<std::pair<std::string, std::string>>& files) {
    json f = json::array();
    for (const auto& [path, blob] : files) f.push_back({{"path", path}, {"blob_id", blob}});
    return {{"repository_url", "https://user:hunter2@github.com/acme/shop.git"},
            {"commit_sha", kSha},
            {"files", f}};
  }

  httplib::Result PostJson(const std::string& path, const std::string& body,
                           const std::string& key) {
    auto c = Client();
    return c.Post(path.c_str(), Auth(key), body, "application/json");
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<testing::FlakyStore> flaky_;
  std::unique_ptr<Server> server_;
  std::string upload_key_, read_key_;
  std::mutex mu_;
  std::vector<std::string> logs_;
};

TEST_F(ServerTest, HealthzAnswersOkAnd503WhenTheStoreIsDown) {
  StartServer();
  auto c = Client();
  auto r = c.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["status"], "ok");
  flaky_->down = true;
  r = c.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "unavailable");
}

TEST_F(ServerTest, MetricsUseRoutePatterns) {
  StartServer();
  auto c = Client();
  ASSERT_TRUE(c.Get("/healthz"));
  ASSERT_TRUE(c.Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits?x=1"));
  ASSERT_TRUE(c.Get("/no/such/route"));
  // A request is counted after its answer is sent: poll until all three are.
  httplib::Result r = c.Get("/metrics");
  auto counted = [](const std::string& text) {
    return text.find("route=\"/healthz\",status=\"200\"") != std::string::npos &&
           text.find("route=\"/api/v1/repositories/{id}/commits\",status") != std::string::npos &&
           text.find("route=\"other\",status=\"404\"") != std::string::npos;
  };
  for (int i = 0; i < 200 && r && !counted(r->body); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    r = c.Get("/metrics");
  }
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body,
              HasSubstr("srclink_http_requests_total{route=\"/healthz\",status=\"200\"} 1"));
  EXPECT_THAT(r->body, HasSubstr("route=\"/api/v1/repositories/{id}/commits\""));
  EXPECT_THAT(r->body, HasSubstr("route=\"other\",status=\"404\""));
  EXPECT_THAT(
      r->body,
      HasSubstr("srclink_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"));
  EXPECT_THAT(r->body, HasSubstr("srclink_uploads_total 0"));
  EXPECT_THAT(r->body, Not(HasSubstr("acme")));
}

TEST_F(ServerTest, KeysAndScopes) {
  StartServer();
  std::string body = CommitBody({{"a.py", ""}}).dump();
  auto c = Client();
  auto r = c.Post("/api/v1/upload/commit", body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "unauthenticated");

  r = PostJson("/api/v1/upload/commit", body, "sk_000000000000_" + std::string(32, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_THAT(r->body, HasSubstr("unknown API key"));

  std::string wrong_secret = upload_key_.substr(0, 16) + std::string(32, 'b');
  r = PostJson("/api/v1/upload/commit", body, wrong_secret);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_THAT(r->body, Not(HasSubstr(std::string(32, 'b'))));

  r = PostJson("/api/v1/upload/commit", body, read_key_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "permission_denied");

  r = PostJson("/api/v1/upload/commit", body, upload_key_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;

  r = c.Post("/api/v1/upload/commit", {{"DD-API-KEY", upload_key_}}, body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(ServerTest, NoAuthPassesOnLoopbackAndIsRefusedElsewhere) {
  {
    ServerOptions options;
    options.listen = "0.0.0.0:0";
    options.no_auth = true;
    Server server(options, flaky_.get(), [](std::string_view) {});
    Status s = server.Start();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("--no-auth"));
    EXPECT_THAT(s.message(), HasSubstr("0.0.0.0"));
  }
  for (auto extra : {&ServerOptions::otlp_listen, &ServerOptions::agent_listen,
                     &ServerOptions::pyroscope_listen}) {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.*extra = "0.0.0.0:0";  // an extra listener off loopback, without keys: refused
    options.no_auth = true;
    Server server(options, flaky_.get(), [](std::string_view) {});
    Status s = server.Start();
    ASSERT_FALSE(s.ok());
    EXPECT_THAT(s.message(), HasSubstr("--no-auth is allowed only on loopback addresses, and "
                                       "0.0.0.0:0 is not one"));
  }
  ServerOptions options;
  options.no_auth = true;
  StartServer(options);
  auto c = Client();
  auto r = c.Post("/api/v1/upload/commit", CommitBody({{"a.py", ""}}).dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(ServerTest, OversizedContentLengthIsRefusedBeforeTheBodyIsSent) {
  StartServer();
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string request =
      "POST /api/v1/upload/blobs HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/x-srclink-blobs\r\n"
      "Content-Length: 100000000000\r\n\r\n";
  ASSERT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  ssize_t n;
  while (response.find("}\n") == std::string::npos && (n = read(fd, buf, sizeof(buf))) > 0)
    response.append(buf, n);
  close(fd);
  EXPECT_THAT(response, HasSubstr("HTTP/1.1 413"));
  EXPECT_THAT(response, HasSubstr("payload_too_large"));
  auto r = Client().Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, GzipAndZstdBodies) {
  StartServer();
  std::string body = CommitBody({{"a.py", ""}}).dump();
  auto c = Client();
  c.set_compress(true);  // gzip
  auto r = c.Post("/api/v1/upload/commit", Auth(upload_key_), body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;

  auto plain = Client();
  httplib::Headers headers = Auth(upload_key_);
  headers.emplace("Content-Encoding", "zstd");
  r = plain.Post("/api/v1/upload/commit", headers, Zstd(body), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;

  headers = Auth(upload_key_);
  headers.emplace("Content-Encoding", "zstd");
  r = plain.Post("/api/v1/upload/commit", headers, "not zstd at all", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;

  headers = Auth(upload_key_);
  headers.emplace("Content-Encoding", "compress");
  r = plain.Post("/api/v1/upload/commit", headers, body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415) << r->body;
}

TEST_F(ServerTest, ZipBombsAreRefused) {
  ServerOptions options;
  options.max_body = 1 << 20;
  StartServer(options);
  std::string zeros(8 << 20, '0');
  auto c = Client();
  httplib::Headers headers = Auth(upload_key_);
  headers.emplace("Content-Encoding", "zstd");
  std::string bomb = Zstd(zeros);
  ASSERT_LT(bomb.size(), 100000u);
  auto r = c.Post("/api/v1/upload/commit", headers, bomb, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body;
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "payload_too_large");

  auto gz = Client();
  gz.set_compress(true);
  r = gz.Post("/api/v1/upload/commit", Auth(upload_key_), zeros, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body;

  r = Client().Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, InvalidJsonNamesTheField) {
  StartServer();
  auto field = [&](const std::string& body) {
    auto r = PostJson("/api/v1/upload/commit", body, upload_key_);
    EXPECT_TRUE(r);
    if (!r) return std::string("no answer");
    EXPECT_EQ(r->status, 400) << r->body;
    json error = json::parse(r->body)["error"];
    EXPECT_EQ(error["code"], "invalid_argument");
    return error.contains("field") ? error["field"].get<std::string>() : std::string("(none)");
  };
  EXPECT_EQ(field("{not json"), "(none)");
  EXPECT_EQ(field("[]"), "(none)");
  json body = CommitBody({{"a.py", ""}});
  body.erase("repository_url");
  EXPECT_EQ(field(body.dump()), "repository_url");
  body = CommitBody({{"a.py", ""}});
  body["repository_url"] = "/local/path";
  EXPECT_EQ(field(body.dump()), "repository_url");
  body = CommitBody({{"a.py", ""}});
  body["commit_sha"] = "3f2c";
  EXPECT_EQ(field(body.dump()), "commit_sha");
  body = CommitBody({{"a.py", ""}});
  body["parent_sha"] = 7;
  EXPECT_EQ(field(body.dump()), "parent_sha");
  body = CommitBody({{"a.py", ""}});
  body.erase("files");
  EXPECT_EQ(field(body.dump()), "files");
  body = CommitBody({{"a.py", ""}, {"b.py", "xyz"}});
  EXPECT_EQ(field(body.dump()), "files[1].blob_id");
  body = CommitBody({{"a.py", ""}, {"/abs.py", ""}});
  EXPECT_EQ(field(body.dump()), "files[1].path");
  body = CommitBody({{"a.py", ""}, {"a.py", ""}});
  EXPECT_EQ(field(body.dump()), "files[1].path");
  body = CommitBody({{"a.py", ""}});
  body["refs"] = "refs/heads/main";
  EXPECT_EQ(field(body.dump()), "refs");
  body["refs"] = {"refs/heads/main", "main"};
  EXPECT_EQ(field(body.dump()), "refs[1]");
  body["refs"] = {"refs/heads/a..b"};
  EXPECT_EQ(field(body.dump()), "refs[0]");
  auto r = Client().Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, UploadCommitThenBlobs) {
  StartServer();
  const std::string good = "print('hello')\n", other = "x = 1\n";
  const std::string good_id = GitBlobId(good), other_id = GitBlobId(other);
  json body = CommitBody({{"app/a.py", good_id}, {"app/b.py", other_id}, {"README", ""}});
  auto r = PostJson("/api/v1/upload/commit", body.dump(), upload_key_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json answer = json::parse(r->body);
  EXPECT_EQ(answer["repository_id"], "github.com/acme/shop");
  EXPECT_EQ(answer["commit_sha"], kSha);
  EXPECT_EQ(answer["files"], 3);
  EXPECT_EQ(answer["created"], true);
  EXPECT_THAT(answer["missing_blobs"].get<std::vector<std::string>>(),
              ::testing::UnorderedElementsAre(good_id, other_id));
  auto info = store_->ListRepositories();
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->size(), 1u);
  EXPECT_THAT((*info)[0].repository_url, Not(HasSubstr("hunter2")));
  EXPECT_EQ(*store_->FindRef("github.com/acme/shop", "refs/heads/main"), "");

  // The branches and tags at the commit, recorded with it.
  body["refs"] = {"refs/heads/main", "refs/tags/v1.4.2"};
  r = PostJson("/api/v1/upload/commit", body.dump(), upload_key_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(*store_->FindRef("github.com/acme/shop", "refs/heads/main"), kSha);
  EXPECT_EQ(*store_->FindRef("github.com/acme/shop", "refs/tags/v1.4.2"), kSha);
  body.erase("refs");

  // A good record and a corrupt one (the contents do not hash to the id).
  std::string records =
      Record(good_id, good, Zstd(good)) + Record(other_id, "x = 2\n", Zstd("x = 2\n"));
  auto c = Client();
  r = c.Post("/api/v1/upload/blobs", Auth(upload_key_), records, "application/x-srclink-blobs");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  answer = json::parse(r->body);
  EXPECT_EQ(answer["stored"], 1);
  EXPECT_EQ(answer["bytes"], Zstd(good).size());
  ASSERT_EQ(answer["rejected"].size(), 1u);
  EXPECT_EQ(answer["rejected"][0]["blob_id"], other_id);
  EXPECT_THAT(answer["rejected"][0]["error"].get<std::string>(), HasSubstr("do not match"));
  auto blob = store_->GetBlob(good_id, 0);
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(blob->compressed, Zstd(good));  // the original frame
  EXPECT_EQ(blob->size, static_cast<int64_t>(good.size()));

  // A truncated body: 400, nothing stored.
  std::string truncated = Record(other_id, other, Zstd(other));
  truncated.resize(truncated.size() - 3);
  r = c.Post("/api/v1/upload/blobs", Auth(upload_key_), truncated, "application/x-srclink-blobs");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_THAT(r->body, HasSubstr("truncated"));
  EXPECT_FALSE(store_->GetBlob(other_id, 0).ok());

  // Wrong content type.
  r = c.Post("/api/v1/upload/blobs", Auth(upload_key_), records, "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);

  // Re-upload: idempotent, now nothing of a.py is missing.
  r = c.Post("/api/v1/upload/blobs", Auth(upload_key_), Record(good_id, good, Zstd(good)),
             "application/x-srclink-blobs");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["stored"], 1);
  r = PostJson("/api/v1/upload/commit", body.dump(), upload_key_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  answer = json::parse(r->body);
  EXPECT_EQ(answer["created"], false);
  EXPECT_EQ(answer["missing_blobs"], json::array({other_id}));

  r = c.Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_THAT(r->body, HasSubstr("srclink_uploads_total 3"));
  EXPECT_THAT(r->body, HasSubstr("srclink_blobs_stored_total 2"));
}

TEST_F(ServerTest, LogsOneJsonLinePerRequestWithoutQueryOrKeys) {
  StartServer();
  auto c = Client();
  ASSERT_TRUE(c.Get("/healthz?token=hunter2", Auth(upload_key_)));
  server_->Stop();
  server_->Wait();
  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_FALSE(logs_.empty());
  json line = json::parse(logs_.back());
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["path"], "/healthz");
  EXPECT_EQ(line["status"], 200);
  EXPECT_TRUE(line.contains("duration_ms"));
  EXPECT_TRUE(line.contains("bytes"));
  EXPECT_TRUE(line.contains("time"));
  EXPECT_THAT(logs_.back(), Not(HasSubstr("hunter2")));
}

TEST(ListenAddressTest, Parses) {
  auto a = ListenAddress::Parse("127.0.0.1:7878");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 7878);
  EXPECT_TRUE(a->IsLoopback());
  a = ListenAddress::Parse("[::1]:0");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "::1");
  EXPECT_TRUE(a->IsLoopback());
  EXPECT_FALSE(ListenAddress::Parse("0.0.0.0:80")->IsLoopback());
  EXPECT_FALSE(ListenAddress::Parse("7878").ok());
  EXPECT_FALSE(ListenAddress::Parse("host:99999").ok());
  EXPECT_FALSE(ListenAddress::Parse(":80").ok());
}

}  // namespace
}  // namespace srclink::server
