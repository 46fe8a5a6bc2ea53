#include "cli/host_config.h"

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace srclink::cli {

Status AddHostsFromJson(const std::string& json, const std::string& source, HostRegistry* hosts) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Status::InvalidArgument(
        source + ": not valid JSON; expected {\"hosts\": {\"HOST\": \"PROVIDER\" | {templates}}}");
  }
  if (!doc.is_object())
    return Status::InvalidArgument(source + ": the top level must be a JSON object");
  auto it = doc.find("hosts");
  if (it == doc.end()) return Status::Ok();
  if (!it->is_object())
    return Status::InvalidArgument(source + ": \"hosts\" must be an object of HOST: PROVIDER");
  for (const auto& [host, value] : it->items()) {
    std::string where = source + ": hosts." + host;
    if (value.is_string()) {
      if (Status st = hosts->AddHostSpec(host + "=" + value.get<std::string>()); !st.ok()) {
        return st.WithContext(where);
      }
    } else if (value.is_object()) {
      LinkTemplates t;
      for (const auto& [key, field] : value.items()) {
        if (!field.is_string())
          return Status::InvalidArgument(where + "." + key + " must be a string");
        const std::string text = field.get<std::string>();
        if (key == "file")
          t.file = text;
        else if (key == "blame")
          t.blame = text;
        else if (key == "commit")
          t.commit = text;
        else if (key == "line_anchor")
          t.line_anchor = text;
        else if (key == "range_anchor")
          t.range_anchor = text;
        else
          return Status::InvalidArgument(where + ": unknown key \"" + key +
                                         "\" (use file, blame, commit, line_anchor, range_anchor)");
      }
      if (Status st = hosts->DeclareTemplates(host, t); !st.ok()) return st.WithContext(where);
    } else {
      return Status::InvalidArgument(where +
                                     " must be a provider name or an object of link templates");
    }
  }
  return Status::Ok();
}

Result<std::string> ReadConfigFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return Status::IoError("cannot read the config file " + path +
                           ": check the path (--config or SRCLINK_CONFIG)");
  std::string text;
  text.resize(kMaxConfigBytes + 1);
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  if (text.size() > kMaxConfigBytes) {
    return Status::InvalidArgument("the config file " + path + " is larger than 1 MiB");
  }
  return text;
}

Status LoadHostConfigFile(const std::string& path, HostRegistry* hosts) {
  Result<std::string> text = ReadConfigFile(path);
  if (!text.ok()) return text.status();
  return AddHostsFromJson(*text, path, hosts);
}

Status AddFetchFromJson(const std::string& json, const std::string& source,
                        const std::function<std::string(const std::string&)>& env,
                        server::FetchOptions* fetch) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument(source + ": not a JSON object");
  }
  auto it = doc.find("fetch");
  if (it == doc.end()) return Status::Ok();
  const std::string where = source + ": fetch";
  if (!it->is_object()) {
    return Status::InvalidArgument(where +
                                   " must be an object {\"hosts\": [...], \"credentials\": {...}}");
  }
  for (const auto& [key, value] : it->items()) {
    const std::string field = where + "." + key;
    if (key == "hosts") {
      if (!value.is_array()) {
        return Status::InvalidArgument(field +
                                       " must be an array of host names, e.g. "
                                       "[\"git.example.com\", \"*.corp.example\"]");
      }
      for (size_t i = 0; i < value.size(); ++i) {
        const std::string item = field + "[" + std::to_string(i) + "]";
        if (!value[i].is_string()) return Status::InvalidArgument(item + " must be a string");
        std::string host = value[i].get<std::string>();
        for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (Status st = server::CheckFetchHostPattern(host); !st.ok()) return st.WithContext(item);
        fetch->hosts.push_back(host);
      }
    } else if (key == "credentials") {
      if (!value.is_object()) {
        return Status::InvalidArgument(field +
                                       " must be an object of HOST: {\"username\", "
                                       "\"password_env\" | \"ssh_key\"}");
      }
      for (const auto& [host_text, entry] : value.items()) {
        const std::string host_field = field + "." + host_text;
        std::string host = host_text;
        for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (Status st = server::CheckFetchHostPattern(host);
            !st.ok() || host == "file" || host.rfind("*.", 0) == 0) {
          return Status::InvalidArgument(host_field +
                                         ": credentials are given per host name, "
                                         "e.g. \"git.example.com\"");
        }
        if (!entry.is_object()) {
          return Status::InvalidArgument(host_field +
                                         " must be an object {\"username\", "
                                         "\"password_env\" | \"ssh_key\"}");
        }
        FetchCredentials c;
        for (const auto& [name, text] : entry.items()) {
          const std::string name_field = host_field + "." + name;
          if (!text.is_string()) return Status::InvalidArgument(name_field + " must be a string");
          const std::string v = text.get<std::string>();
          if (name == "username") {
            c.username = v;
          } else if (name == "password") {
            c.password = v;
          } else if (name == "password_env") {
            c.password = env(v);
            if (c.password.empty()) {
              return Status::InvalidArgument(
                  name_field + ": the environment variable " + v.substr(0, 100) +
                  " is not set or empty; export it before srclink serve");
            }
          } else if (name == "ssh_key") {
            c.ssh_key = v;
          } else {
            return Status::InvalidArgument(name_field +
                                           ": unknown key (use username, "
                                           "password_env, password or ssh_key)");
          }
        }
        fetch->credentials[host] = std::move(c);
      }
    } else if (key == "max_bytes" || key == "max_files" || key == "max_file_bytes" ||
               key == "timeout_seconds") {
      if (!value.is_number_integer() || value.get<int64_t>() <= 0) {
        return Status::InvalidArgument(field + " must be a whole number above 0");
      }
      const int64_t v = value.get<int64_t>();
      if (key == "max_bytes") fetch->limits.max_bytes = v;
      if (key == "max_files") fetch->limits.max_files = v;
      if (key == "max_file_bytes") fetch->limits.max_file_bytes = v;
      if (key == "timeout_seconds") fetch->limits.timeout_seconds = v;
    } else {
      return Status::InvalidArgument(field +
                                     ": unknown key (use hosts, credentials, max_bytes, "
                                     "max_files, max_file_bytes, timeout_seconds)");
    }
  }
  return Status::Ok();
}

Result<HostRegistry> BuildHostRegistry(const std::string& config_path,
                                       const std::vector<std::string>& host_specs) {
  HostRegistry hosts;
  if (!config_path.empty()) {
    if (Status st = LoadHostConfigFile(config_path, &hosts); !st.ok()) return st;
  }
  for (const std::string& spec : host_specs) {
    if (Status st = hosts.AddHostSpec(spec); !st.ok()) return st.WithContext("--host " + spec);
  }
  return hosts;
}

}  // namespace srclink::cli
