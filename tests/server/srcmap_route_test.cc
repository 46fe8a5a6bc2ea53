#include "server/srcmap_route.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "srcmap_fake_store.h"

namespace srclink::server {
namespace {

using ::testing::HasSubstr;

constexpr char kSha[] = "c67dfb7670963718af2f0fdd1e857ca3a6275cb0";

// The request datadog-ci 5.25.0 sent, split into headers and body.
struct CapturedRequest {
  std::string content_type;
  std::string api_key;
  std::string body;
};

CapturedRequest ReadCapture() {
  std::ifstream in(std::string(SRCLINK_TEST_DATA) + "/datadog_ci/git_metadata_upload_5.25.0.http",
                   std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string raw = buffer.str();
  CapturedRequest out;
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return out;
  out.body = raw.substr(end + 4);
  std::istringstream headers(raw.substr(0, end));
  std::string line;
  while (std::getline(headers, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "content-type") out.content_type = line.substr(colon + 2);
    if (name == "dd-api-key") out.api_key = line.substr(colon + 2);
  }
  return out;
}

class SrcmapRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_.options = &options_;
    ctx_.store = &store_;
    ctx_.now = [] { return int64_t{1700000000}; };
    ctx_.authorize = [this](const httplib::Request& req, httplib::Response& res, ApiScope scope) {
      last_scope_ = scope;
      if (req.get_header_value("DD-API-KEY") == "test") return true;
      SendError(res, 401, "unauthenticated", "missing or unknown API key");
      return false;
    };
    RegisterSrcmapRoute(http_, ctx_);
    port_ = http_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  void TearDown() override {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Result Post(const std::string& body, const std::string& content_type,
                       const std::string& key = "test") {
    httplib::Client client("127.0.0.1", port_);
    httplib::Headers headers;
    if (!key.empty()) headers.emplace("DD-API-KEY", key);
    headers.emplace("DD-EVP-ORIGIN", "datadog-ci_git-metadata");
    return client.Post("/api/v2/srcmap", headers, body, content_type.c_str());
  }

  httplib::Result PostParts(const std::string& event, const std::string& repository) {
    httplib::Client client("127.0.0.1", port_);
    httplib::MultipartFormDataItems items;
    if (!event.empty()) items.push_back({"event", event, "event", "application/json"});
    if (!repository.empty())
      items.push_back({"repository", repository, "repository", "application/json"});
    return client.Post("/api/v2/srcmap", httplib::Headers{{"DD-API-KEY", "test"}}, items);
  }

  ServerOptions options_;
  testing::SrcmapFakeStore store_;
  ServerContext ctx_;
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
  ApiScope last_scope_ = kScopeRead;
};

nlohmann::json Json(const httplib::Result& result) {
  return nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
}

TEST_F(SrcmapRouteTest, StoresCapturedDatadogCiUpload) {
  const CapturedRequest capture = ReadCapture();
  ASSERT_THAT(capture.content_type, HasSubstr("multipart/form-data; boundary="));
  ASSERT_EQ(capture.api_key, "test");

  httplib::Result result = Post(capture.body, capture.content_type, capture.api_key);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 202) << result->body;
  EXPECT_EQ(last_scope_, kScopeUpload);
  const nlohmann::json answer = Json(result);
  EXPECT_EQ(answer["repository_id"], "github.com/acme/shop");
  EXPECT_EQ(answer["commit_sha"], kSha);
  EXPECT_EQ(answer["files"], 3);
  EXPECT_EQ(answer["created"], true);

  const std::vector<CommitUpload> uploads = store_.uploads();
  ASSERT_EQ(uploads.size(), 1u);
  const CommitUpload& upload = uploads[0];
  EXPECT_EQ(upload.repository_id, "github.com/acme/shop");
  EXPECT_EQ(upload.repository_url, "https://github.com/acme/shop.git");
  EXPECT_EQ(upload.provider, "github");
  EXPECT_EQ(upload.commit_sha, kSha);
  EXPECT_EQ(upload.parent_sha, "");
  EXPECT_EQ(upload.source, "datadog-ci");
  EXPECT_EQ(upload.uploaded_at, 1700000000);
  ASSERT_EQ(upload.files.size(), 3u);
  EXPECT_EQ(upload.files[0].path, "README.md");
  EXPECT_EQ(upload.files[1].path, "dir with space/\xc3\xbc.txt");
  EXPECT_EQ(upload.files[2].path, "src/main.cc");
  for (const TrackedPath& file : upload.files) EXPECT_EQ(file.blob_id, "");

  // Uploading again is fine (datadog-ci runs on every CI build).
  result = Post(capture.body, capture.content_type, capture.api_key);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 202);
  EXPECT_EQ(Json(result)["created"], false);
}

TEST_F(SrcmapRouteTest, StripsCredentialsFromTheRepositoryUrl) {
  const std::string url = "https://user:s3cret@github.com/acme/shop.git";
  httplib::Result result = PostParts(R"({"type":"repository"})",
                                     std::string(R"({"data":[{"files":["a"],"hash":")") + kSha +
                                         R"(","repository_url":")" + url + R"("}],"version":1})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 202) << result->body;
  ASSERT_EQ(store_.uploads().size(), 1u);
  EXPECT_EQ(store_.uploads()[0].repository_url.find("s3cret"), std::string::npos);
  EXPECT_EQ(store_.uploads()[0].repository_id, "github.com/acme/shop");
}

TEST_F(SrcmapRouteTest, RejectsUnknownKey) {
  const CapturedRequest capture = ReadCapture();
  httplib::Result result = Post(capture.body, capture.content_type, "wrong");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_TRUE(store_.uploads().empty());
}

TEST_F(SrcmapRouteTest, RejectsNonMultipartBody) {
  httplib::Result result = Post("{}", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 415);
  const nlohmann::json answer = Json(result);
  EXPECT_EQ(answer["error"]["code"], "unsupported_media_type");
  EXPECT_EQ(answer["error"]["field"], "Content-Type");
  EXPECT_THAT(answer["error"]["message"].get<std::string>(), HasSubstr("\"application/json\""));
}

TEST_F(SrcmapRouteTest, RejectsMissingPartWith422NotWith400) {
  httplib::Result result = PostParts(R"({"type":"repository"})", "");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 422);
  const nlohmann::json answer = Json(result);
  EXPECT_EQ(answer["error"]["code"], "invalid_argument");
  EXPECT_EQ(answer["error"]["field"], "repository");
  EXPECT_EQ(answer["error"]["message"],
            "multipart part \"repository\" is missing; datadog-ci git-metadata upload sends "
            "\"event\" and "
            "\"repository\"");
}

TEST_F(SrcmapRouteTest, RejectsInvalidPayloadNamingTheField) {
  httplib::Result result =
      PostParts(R"({"type":"repository"})", R"({"version":1,"data":[{"files":[]}]})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 422);
  const nlohmann::json answer = Json(result);
  EXPECT_EQ(answer["error"]["field"], "repository.data[0].hash");
  EXPECT_EQ(answer["error"]["message"], "repository part: field \"data[0].hash\" is missing");
}

TEST_F(SrcmapRouteTest, RejectsUnparsableRepositoryUrl) {
  httplib::Result result = PostParts(R"({"type":"repository"})",
                                     std::string(R"({"data":[{"files":[],"hash":")") + kSha +
                                         R"(","repository_url":"/home/me/shop"}],"version":1})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 422);
  const nlohmann::json answer = Json(result);
  EXPECT_EQ(answer["error"]["field"], "repository.data[0].repository_url");
  EXPECT_THAT(answer["error"]["message"].get<std::string>(), HasSubstr("--repository-url"));
  EXPECT_TRUE(store_.uploads().empty());
}

TEST_F(SrcmapRouteTest, ReportsStoreFailure) {
  store_.next_error = Status::Unavailable("database is locked");
  const CapturedRequest capture = ReadCapture();
  httplib::Result result = Post(capture.body, capture.content_type, capture.api_key);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 503);
  EXPECT_EQ(Json(result)["error"]["code"], "unavailable");
}

}  // namespace
}  // namespace srclink::server
