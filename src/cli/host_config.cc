#include "cli/host_config.h"

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

Status LoadHostConfigFile(const std::string& path, HostRegistry* hosts) {
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
  return AddHostsFromJson(text, path, hosts);
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
