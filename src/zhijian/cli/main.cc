// The `zhijian` command: one binary, subcommands (CLI11).
//
//   zhijian serve       --db URL [--addr A] [--port P] [--static DIR] [--port-file F]
//                       [--quality-every HOURS] [--quality-first-delay MINUTES]
//                       [--no-arrival-checks] [--arrival-nice N]
//   zhijian demo-init   --db URL [--password-file F]
//   zhijian migrate     --db URL
//   zhijian user add|list|passwd|apikey|disable|enable ...
//   zhijian audit verify --db URL
//
// --db defaults to $ZJ_DB, else sqlite:var/zhijian.db. Exit codes: 0 ok, 1 failure (message
// on stderr, English and Chinese), 2 usage error (CLI11).
#include <sodium.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "zhijian/accounts/accounts.h"
#include "zhijian/api/api.h"
#include "zhijian/audit/audit.h"
#include "zhijian/base/clock.h"
#include "zhijian/base/date.h"
#include "zhijian/base/region.h"
#include "zhijian/checks/compliance_store.h"
#include "zhijian/checks/quality_runner.h"
#include "zhijian/cli/cli_util.h"
#include "zhijian/cli/commands.h"
#include "zhijian/cli/demo.h"
#include "zhijian/intake/sources.h"
#include "zhijian/ledger/service.h"
#include "zhijian/registry/identity.h"
#include "zhijian/server/http_server.h"
#include "zhijian/store/db.h"
#include "zhijian/store/migrations.h"

namespace zhijian::cli {
namespace {

std::string DefaultDb() {
  const char* env = std::getenv("ZJ_DB");
  return env && *env ? env : "sqlite:var/zhijian.db";
}

std::string ReadPasswordFromStdin() {
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

// ---- serve ---------------------------------------------------------------------------------

std::atomic<server::HttpServer*> g_server{nullptr};

struct ServeArgs {
  server::ServerOptions server;
  std::string port_file;
  bool secure_cookies = false;
  double public_rate = 50;
  api::UploadLimits uploads;
  std::string id_key_file = "var/keys/id-hash.key";
  int64_t quality_every_hours = 0;  // scheduled data-quality sweeps; 0 = none
  int64_t quality_first_delay_minutes = 10;
  bool arrival_checks = true;
  int arrival_nice = 10;
};

// Logs the data-quality runner's events (checks/quality_runner.h) at info.
void LogQualityEvent(const checks::RunnerEvent& e) {
  using K = checks::RunnerEvent::Kind;
  const std::string region = e.region_prefix.empty() ? "-" : e.region_prefix;
  switch (e.kind) {
    case K::kSweepStarted:
      spdlog::info("quality sweep started regions={} actor={}", e.regions, e.actor);
      if (e.error) spdlog::warn("quality sweep regions unavailable: {}", e.error->ToString());
      break;
    case K::kRunStarted:
      spdlog::info("quality run started job={} region={} actor={}", e.job, region, e.actor);
      break;
    case K::kRunFinished:
      spdlog::info(
          "quality run finished job={} region={} run={} findings={} new={} resolved={} "
          "marks_confirmed={} marks_reopened={} s={:.1f}",
          e.job, region, e.saved->run_id, e.findings, e.saved->new_findings,
          e.saved->resolved_findings, e.saved->marks_confirmed, e.saved->marks_reopened, e.seconds);
      break;
    case K::kRunFailed:
      spdlog::warn("quality run failed job={} region={} error={} s={:.1f}", e.job, region,
                   e.error->ToString(), e.seconds);
      break;
    case K::kSweepFinished:
      spdlog::info("quality sweep finished regions={} failures={} s={:.1f}", e.regions, e.failures,
                   e.seconds);
      break;
  }
}

int Serve(const std::string& db_url, const ServeArgs& args) {
  const server::ServerOptions& options = args.server;
  const std::string& port_file = args.port_file;
  const double public_rate = args.public_rate;
  auto db = OpenDatabase(db_url);
  if (!db) return Fail(db.error());
  auto id_hasher = registry::IdHasher::LoadOrCreate(args.id_key_file);
  if (!id_hasher) return Fail(id_hasher.error());
  accounts::Accounts accounts(**db, SystemClock::Instance());
  server::Metrics metrics;
  api::ApiOptions api_options;
  api_options.secure_cookies = args.secure_cookies;
  api_options.public_limit.per_second = public_rate;
  api_options.public_limit.burst = public_rate * 4;
  api_options.uploads = args.uploads;
  api::ApiContext ctx(**db, accounts, SystemClock::Instance(), metrics, api_options);
  ctx.id_hasher = std::move(*id_hasher);
  // Registered reports are checked on arrival by a background thread at lowered priority, woken
  // by every registration (checks/compliance_store.h ArrivalChecker); declared before the
  // ledger, which notifies it, so that it outlives it.
  std::unique_ptr<checks::ArrivalChecker> arrivals;
  if (args.arrival_checks) {
    checks::ArrivalChecker::Options ao;
    ao.nice = args.arrival_nice;
    ao.on_error = [](const Error& e) { spdlog::warn("arrival checks: {}", e.ToString()); };
    arrivals = std::make_unique<checks::ArrivalChecker>(**db, SystemClock::Instance(), ao);
  }
  std::function<void(uint64_t)> notify;
  if (arrivals) notify = [a = arrivals.get()](uint64_t) { a->Notify(); };
  auto ledger = OpenServeLedger(**db, options.port, notify);
  if (!ledger) return Fail(ledger.error());
  ctx.ledger = ledger->get();
  checks::RunnerOptions quality_options;
  quality_options.every = std::chrono::hours(args.quality_every_hours);
  quality_options.first_delay = std::chrono::minutes(args.quality_first_delay_minutes);
  quality_options.on_event = LogQualityEvent;
  checks::QualityRunner quality(**db, SystemClock::Instance(), quality_options);
  ctx.quality = &quality;
  server::Router router;
  api::RegisterRoutes(router, ctx);
  server::HttpServer http(options, router, api::MakeAuthenticator(ctx), metrics,
                          api::MakeInlineAuthenticator(ctx));

  // Block SIGINT/SIGTERM in every thread; one thread waits for them and stops the server.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto started = http.Start();
  if (!started) return Fail(started.error());
  if (arrivals) arrivals->Start();
  const uint16_t port = http.port();
  ServeLedgerStarted(**ledger, port);
  spdlog::info("listening address={} port={} db={} static={}", options.address, port,
               (*db)->redacted_url(), options.static_dir.empty() ? "-" : options.static_dir);
  std::cout << "智检 Zhijian: http://" << options.address << ":" << port << "/" << std::endl;
  quality.Start();
  if (args.quality_every_hours > 0) {
    spdlog::info("quality schedule every_hours={} first_at={}", args.quality_every_hours,
                 quality.Status().next_sweep_at.value_or("-"));
  }
  if (!port_file.empty()) {
    const std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::filesystem::rename(tmp, port_file);
  }
  std::thread signal_thread([&set, &http] {
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("signal={} shutting down", sig);
    http.Stop();
  });
  http.Wait();
  if (arrivals) arrivals->Stop();
  // If the server stopped on its own, wake the signal thread.
  pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  quality.Stop();  // lets a run under way finish
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int Main(int argc, char** argv) {
  // Tesseract's OpenMP runtime reads OMP_THREAD_LIMIT at load time only (intake/sources.h).
  intake::EnsureOmpThreadLimit(argv);
  if (sodium_init() < 0) {
    std::cerr << "libsodium failed to initialise\n";
    return 1;
  }
  // Logs go to stderr (stdout carries command output), flushed line by line.
  auto logger = spdlog::stderr_logger_mt("zhijian");
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  CLI::App app{"智检 Zhijian — smart supervision of testing & inspection institutions"};
  app.require_subcommand(1);
  // Options of the main command (--db) are accepted after the subcommand too.
  app.fallthrough();
  std::string db_url = DefaultDb();
  app.add_option("--db", db_url, "database URL: sqlite:PATH or postgresql://...")->envname("ZJ_DB");

  // serve
  auto* serve = app.add_subcommand("serve", "run the HTTP server (API + web UI)");
  ServeArgs serve_args;
  server::ServerOptions& sopt = serve_args.server;
  serve->add_option("--addr", sopt.address, "address to bind")->capture_default_str();
  serve->add_option("--port", sopt.port, "port (0 = any free port)")->capture_default_str();
  serve->add_option("--static", sopt.static_dir, "directory of the built web UI (web/dist)");
  serve->add_option("--port-file", serve_args.port_file, "write the bound port to this file");
  serve->add_option("--io-threads", sopt.io_threads, "I/O threads")->capture_default_str();
  serve->add_option("--workers", sopt.worker_threads, "handler threads")->capture_default_str();
  serve->add_option("--body-limit", sopt.body_limit, "max request body bytes")
      ->capture_default_str();
  serve
      ->add_option("--upload-file-limit", serve_args.uploads.max_file_bytes,
                   "max bytes of one report document uploaded to POST /api/v1/checks")
      ->capture_default_str();
  serve
      ->add_option("--upload-total-limit", serve_args.uploads.max_total_bytes,
                   "max bytes of all documents of one upload")
      ->capture_default_str();
  serve
      ->add_option("--upload-max-files", serve_args.uploads.max_files,
                   "max documents in one upload")
      ->check(CLI::Range(size_t{1}, size_t{1000}))
      ->capture_default_str();
  serve->add_flag("--secure-cookies", serve_args.secure_cookies,
                  "mark cookies Secure (behind HTTPS)");
  serve
      ->add_option("--public-rate", serve_args.public_rate,
                   "anonymous requests per second per address (bursts of 4x); 0 = no limit")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve->add_flag("--arrival-checks,!--no-arrival-checks", serve_args.arrival_checks,
                  "check registered reports on arrival in the background (default on)");
  serve
      ->add_option("--arrival-nice", serve_args.arrival_nice,
                   "nice value of the arrival-check thread (0-19)")
      ->check(CLI::Range(0, 19))
      ->capture_default_str();
  serve
      ->add_option("--id-key", serve_args.id_key_file,
                   "ID-number hash key file (created if missing; the same as import's)")
      ->capture_default_str();
  serve
      ->add_option("--quality-every", serve_args.quality_every_hours,
                   "run the data-quality checks every HOURS, province by province (0 = never)")
      ->check(CLI::Range(int64_t{0}, int64_t{24 * 366}))
      ->capture_default_str();
  serve
      ->add_option("--quality-first-delay", serve_args.quality_first_delay_minutes,
                   "minutes from start to the first scheduled data-quality run")
      ->check(CLI::Range(int64_t{0}, int64_t{24 * 60 * 366}))
      ->capture_default_str();

  // demo-init
  auto* demo = app.add_subcommand("demo-init", "create demo institutions and accounts");
  std::string password_file;
  demo->add_option("--password-file", password_file,
                   "JSON file keeping the demo accounts' passwords (reused when present)");
  std::string demo_registry_dir;
  std::string id_key_file = "var/keys/id-hash.key";
  demo->add_option("--registry-dir", demo_registry_dir,
                   "also generate (once) and load the demo registry here (≈ 300 institutions)");
  demo->add_option("--id-key", id_key_file, "ID-number hash key file")->capture_default_str();
  std::string demo_samples_dir;
  demo->add_option("--samples-dir", demo_samples_dir,
                   "also write (once) sample report PDFs and scans for the check page here "
                   "(needs --registry-dir)");

  // migrate
  auto* migrate = app.add_subcommand("migrate", "apply pending schema migrations");

  // user
  auto* user = app.add_subcommand("user", "manage accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "create an account");
  accounts::NewUser nu;
  std::string role_name, region, institution_uscc;
  bool password_stdin = false;
  user_add->add_option("username", nu.username, "login name")->required();
  user_add->add_option("--role", role_name, "admin|regulator|institution|inspector")->required();
  user_add->add_option("--name", nu.display_name, "display name");
  user_add->add_option("--region", region, "region scope (e.g. 37, 3701, 370102; '' = national)");
  user_add->add_option("--institution", institution_uscc, "USCC of the user's institution");
  user_add->add_flag("--password-stdin", password_stdin, "read the password from stdin");
  auto* user_list = user->add_subcommand("list", "list accounts");
  std::string target_user;
  auto* user_passwd = user->add_subcommand("passwd", "set an account's password");
  user_passwd->add_option("username", target_user)->required();
  user_passwd->add_flag("--password-stdin", password_stdin, "read the password from stdin");
  auto* user_apikey = user->add_subcommand("apikey", "create an API key for an account");
  std::string key_name = "LIMS";
  user_apikey->add_option("username", target_user)->required();
  user_apikey->add_option("--name", key_name, "what the key is for")->capture_default_str();
  auto* user_disable = user->add_subcommand("disable", "disable an account");
  user_disable->add_option("username", target_user)->required();
  auto* user_enable = user->add_subcommand("enable", "enable an account");
  user_enable->add_option("username", target_user)->required();

  // audit
  auto* audit_cmd = app.add_subcommand("audit", "audit trail");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand("verify", "verify the hash chain");

  // Subcommands in their own files (cli/commands.h) run from their callbacks during parsing.
  int command_exit = -1;
  // [registry commands: AddImportCommand / AddGenCommand are added here]
  AddImportCommand(app, db_url, &command_exit);
  AddGenCommand(app, db_url, &command_exit);
  AddLedgerCommand(app, db_url, &command_exit);
  AddQualityCommand(app, db_url, &command_exit);
  AddCheckCommand(app, db_url, &command_exit);
  AddIntakeCommand(app, db_url, &command_exit);

  // Usage errors exit 2 (CLI11's own codes, 100-120, would mean nothing to scripts); --help and
  // --version print and exit 0.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (command_exit >= 0) return command_exit;
  const Principal cli = Principal::Cli();
  const std::string ip = "local";

  if (*serve) return Serve(db_url, serve_args);

  auto db = OpenDatabase(db_url, /*bulk=*/static_cast<bool>(*demo));
  if (!db) return Fail(db.error());
  accounts::Accounts accounts(**db, SystemClock::Instance());

  if (*migrate) {
    auto conn = (*db)->Acquire();
    if (!conn) return Fail(conn.error());
    auto v = store::CurrentVersion(conn->get());
    if (!v) return Fail(v.error());
    std::cout << "schema version " << *v << " (" << (*db)->redacted_url() << ")\n";
    return 0;
  }
  if (*demo) {
    if (!demo_registry_dir.empty()) {
      auto loaded = LoadDemoRegistry(**db, demo_registry_dir, id_key_file, std::cout);
      if (!loaded) return Fail(loaded.error());
    }
    auto r = InitDemo(**db, accounts, password_file, std::cout);
    if (!r) return Fail(r.error());
    auto q = RunDemoQualityChecks(**db, ChinaDate(SystemClock::Instance().Now()), std::cout);
    if (!q) return Fail(q.error());
    if (!demo_samples_dir.empty()) {
      auto s = WriteDemoSamples(**db, demo_samples_dir, ChinaDate(SystemClock::Instance().Now()),
                                std::cout);
      if (!s) return Fail(s.error());
    }
    return 0;
  }
  if (*user_add) {
    auto role = ParseRole(role_name);
    if (!role || *role == Role::kPublic) {
      return Fail(Error::Invalid("user.bad-role", "角色无效", "invalid role", role_name));
    }
    nu.role = *role;
    if (nu.display_name.empty()) nu.display_name = nu.username;
    if (!region.empty()) {
      auto scope = RegionTable::Get().ValidateScope(region);
      if (!scope) return Fail(scope.error());
      nu.region_prefix = *scope;
    }
    if (!institution_uscc.empty()) {
      auto id = FindInstitutionByUscc(**db, institution_uscc);
      if (!id) return Fail(id.error());
      nu.institution_id = *id;
    }
    bool generated = !password_stdin;
    nu.password = password_stdin ? ReadPasswordFromStdin() : GeneratePassword();
    auto u = accounts.CreateUser(cli, nu, ip);
    if (!u) return Fail(u.error());
    std::cout << "created user " << u->username << " (id " << u->id << ", " << RoleName(u->role)
              << ")\n";
    if (generated) std::cout << "password: " << nu.password << "\n";
    return 0;
  }
  if (*user_list) {
    auto users = accounts.ListUsers(cli);
    if (!users) return Fail(users.error());
    std::printf("%-6s %-20s %-12s %-8s %-12s %s\n", "ID", "USERNAME", "ROLE", "SCOPE",
                "INSTITUTION", "NAME");
    for (const auto& u : *users) {
      std::printf("%-6lld %-20s %-12s %-8s %-12s %s%s\n", static_cast<long long>(u.id),
                  u.username.c_str(), std::string(RoleName(u.role)).c_str(),
                  u.region_prefix.empty() ? "-" : u.region_prefix.c_str(),
                  u.institution_id ? std::to_string(*u.institution_id).c_str() : "-",
                  u.display_name.c_str(), u.disabled ? " [disabled]" : "");
    }
    return 0;
  }
  if (*user_passwd) {
    bool generated = !password_stdin;
    std::string pw = password_stdin ? ReadPasswordFromStdin() : GeneratePassword();
    auto r = accounts.SetPassword(cli, target_user, pw, std::nullopt, ip);
    if (!r) return Fail(r.error());
    std::cout << "password of " << target_user << " changed\n";
    if (generated) std::cout << "password: " << pw << "\n";
    return 0;
  }
  if (*user_apikey) {
    auto k = accounts.CreateApiKey(cli, target_user, key_name, ip);
    if (!k) return Fail(k.error());
    std::cout << "API key for " << target_user << " (shown once, keep it secret):\n"
              << k->key << "\n";
    return 0;
  }
  if (*user_disable || *user_enable) {
    auto r = accounts.SetDisabled(cli, target_user, static_cast<bool>(*user_disable), ip);
    if (!r) return Fail(r.error());
    std::cout << target_user << (*user_disable ? " disabled\n" : " enabled\n");
    return 0;
  }
  if (*audit_verify) {
    auto conn = (*db)->Acquire();
    if (!conn) return Fail(conn.error());
    auto report = audit::Verify(conn->get());
    if (!report) return Fail(report.error());
    if (report->ok) {
      std::cout << "audit trail ok: " << report->records_checked << " records, head "
                << report->head_seq << " " << report->head_hash << "\n审计链完整\n";
      return 0;
    }
    std::cerr << "audit trail BROKEN at seq " << report->bad_seq.value_or(0) << ": " << report->code
              << ": " << report->message << "\n审计链被篡改\n";
    return 1;
  }
  return 0;
}

}  // namespace zhijian::cli

int main(int argc, char** argv) { return zhijian::cli::Main(argc, argv); }
