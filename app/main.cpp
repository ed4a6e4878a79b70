// ssehub: reads the configuration (defaults < file < SSEHUB_* env < flags) and runs the server.
#include "ssehub/server/config.hpp"
#include "ssehub/server/log_format.hpp"
#include "ssehub/server/server.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

extern char** environ;

namespace {

std::map<std::string, std::string> environment()
{
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view const kv(*e);
        auto const eq = kv.find('=');
        if (eq != std::string_view::npos)
            env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return env;
}

std::string read_file(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ssehub::config_error("config: cannot read '" + path + "'");
    std::ostringstream s;
    s << in.rdbuf();
    return std::move(s).str();
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"ssehub: a Server-Sent Events hub that serves a page and keeps it live.\n"
                 "Precedence: flags > SSEHUB_* environment > --config file > built-in defaults."};
    std::string config_path;
    app.add_option("-c,--config", config_path, "JSON configuration file (SSEHUB_CONFIG); none: built-in defaults");
    app.set_version_flag("--version", std::string(ssehub::version));
    std::map<std::string, std::string> flag_values;
    std::vector<std::pair<ssehub::config_key const*, CLI::Option*>> flags;
    for (auto const& key : ssehub::config_keys()) {
        auto* opt = app.add_option("--" + ssehub::flag_name(key), flag_values[std::string(key.name)],
                                   std::string(key.help) + " [" + ssehub::env_name(key) + "]");
        flags.emplace_back(&key, opt);
    }
    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        // --help and --version end here with 0; an unknown or malformed flag is a bad
        // configuration like any other: exit code 2 (CLI11's own codes are 100 and up).
        return app.exit(e) == 0 ? 0 : 2;
    }

    ssehub::config cfg;
    std::vector<std::string> unknown_env;
    try {
        auto const env = environment();
        if (config_path.empty())
            if (auto it = env.find("SSEHUB_CONFIG"); it != env.end())
                config_path = it->second;
        if (!config_path.empty())
            ssehub::apply_json(cfg, read_file(config_path), config_path);
        unknown_env = ssehub::apply_env(cfg, env);
        for (auto const& [key, opt] : flags)
            if (opt->count() > 0)
                ssehub::apply_text(cfg, *key, flag_values[std::string(key->name)], "flag --" + ssehub::flag_name(*key));
        ssehub::validate(cfg);
    } catch (ssehub::config_error const& e) {
        std::cerr << "ssehub: configuration error: " << e.what() << '\n';
        return 2;
    }

    ssehub::configure_logging(cfg.log_level, cfg.log_format);
    bool const json = cfg.log_format == "json";
    // Lines printed outside spdlog follow the log format too, so a json run prints only JSON.
    auto const fatal = [json](std::string const& text) {
        if (json)
            std::cerr << ssehub::json_log_line(std::chrono::system_clock::now(), "critical", text) << std::endl;
        else
            std::cerr << "ssehub: " << text << '\n';
    };
    if (!unknown_env.empty()) {
        std::string names;
        for (auto const& n : unknown_env)
            names += (names.empty() ? "" : ", ") + n;
        // Not an error: orchestrators set SSEHUB_* variables of their own (Kubernetes service
        // links for a Service named ssehub, Docker links), and refusing them crash-loops the pod.
        spdlog::warn("ignoring environment variables that name no configuration key: {}", names);
    }
    try {
        ssehub::server server(cfg);
        auto const& eff = server.effective_config();
        if (server.token_was_generated())
            // Printed once, to stdout only, so the operator can publish; never logged again.
            std::cout << (json ? ssehub::json_log_line(std::chrono::system_clock::now(), "info",
                                                       "publish token generated publish_token=\"" + eff.publish_token + "\"")
                               : "publish token (generated, set SSEHUB_PUBLISH_TOKEN to choose one): " +
                                     eff.publish_token)
                      << std::endl;
        // An IPv6 address goes in brackets in a URL (RFC 3986 3.2.2): http://[::1]:8080.
        auto const host = eff.bind.find(':') == std::string::npos ? eff.bind : "[" + eff.bind + "]";
        // Announced once SIGTERM is handled: a supervisor (or a test) that signals as soon as it
        // reads this line gets the graceful shutdown, never the default action.
        server.run(true, [&] {
            spdlog::info("ssehub {} listening on http://{}:{} (static root '{}', {} io threads)", ssehub::version, host,
                         server.port(), eff.static_root, eff.io_threads);
        });
    } catch (ssehub::config_error const& e) {
        fatal(std::string("configuration error: ") + e.what());
        return 2;
    } catch (std::exception const& e) {
        fatal(std::string("fatal: ") + e.what());
        return 1;
    }
    return 0;
}
