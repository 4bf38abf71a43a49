#include "tests/support/pg_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <vector>

namespace zhijian::testing {
namespace {

Error Unavailable(std::string code, std::string detail) {
  return Error(Error::Kind::kUnavailable, std::move(code), "测试数据库不可用",
               "test database unavailable", std::move(detail));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A port that was free a moment ago (bind to port 0 and ask the kernel).
Result<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Unavailable("test.pg-port", "socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return Unavailable("test.pg-port", "bind() to 127.0.0.1:0 failed");
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

// Runs argv[0] (a full path) with output to `log`, as the postgres user when we are root.
// Returns an error with the log's contents when it fails.
Result<void> Run(const std::vector<std::string>& argv, const std::string& cwd,
                 const std::string& log) {
  uid_t uid = 0;
  gid_t gid = 0;
  const bool as_postgres = geteuid() == 0;
  if (as_postgres) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) return Unavailable("test.pg-start", "running as root and no postgres user");
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) return Unavailable("test.pg-start", "cannot open " + log);
  if (as_postgres && fchown(out, uid, gid) != 0) {
    close(out);
    return Unavailable("test.pg-start", "cannot chown " + log);
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(out);
    return Unavailable("test.pg-start", "fork failed");
  }
  if (pid == 0) {  // child: only async-signal-safe calls
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    if (as_postgres && (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) {
      _exit(126);
    }
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Unavailable("test.pg-start", "waitpid failed");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Unavailable("test.pg-start", argv[0] + " failed (status " + std::to_string(status) +
                                            "):\n" + ReadFile(log));
  }
  return Ok();
}

Result<void> ExecSql(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return Unavailable("test.pg-sql", "cannot connect to " + url + ": " + message);
  }
  PGresult* res = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  std::string message = PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
  if (!ok) return Unavailable("test.pg-sql", sql + ": " + message);
  return Ok();
}

// Where live clusters go: tmpfs when there is one (initdb and CREATE DATABASE write tens of
// megabytes; on a busy disk that costs seconds), else /tmp.
std::string FastTempRoot() {
  struct stat st {};
  if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0) {
    return "/dev/shm";
  }
  return "/tmp";
}

// mkdtemp, then hand the directory to the postgres user when we are root.
Result<std::string> MakeOwnedTempDir(std::string pattern) {
  if (mkdtemp(pattern.data()) == nullptr) {
    return Unavailable("test.pg-start", "mkdtemp " + pattern + " failed");
  }
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr || chown(pattern.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      std::error_code ec;
      std::filesystem::remove_all(pattern, ec);
      return Unavailable("test.pg-start", "cannot chown " + pattern + " to postgres");
    }
  }
  return pattern;
}

// A freshly initdb'ed data directory, made once per machine and user and copied by every
// cluster (initdb takes seconds on a loaded machine; a copy a fraction of that). Kept at
// /tmp/zj-pg-pristine-15-u<uid>/data; built under a file lock and renamed into place whole.
Result<std::string> PristineDataDir(const std::string& bin) {
  const std::string home = "/tmp/zj-pg-pristine-15-u" + std::to_string(geteuid());
  const std::string data = home + "/data";
  if (access((data + "/PG_VERSION").c_str(), F_OK) == 0) return data;
  const std::string lock_path = home + ".lock";
  int lock = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) {
    if (lock >= 0) close(lock);
    return Unavailable("test.pg-start", "cannot lock " + lock_path);
  }
  Result<std::string> result = data;
  if (access((data + "/PG_VERSION").c_str(), F_OK) != 0) {  // nobody made it meanwhile
    auto staging = MakeOwnedTempDir(home + ".tmp-XXXXXX");
    if (!staging) {
      result = staging.error();
    } else {
      auto made = Run({bin + "/initdb", "-D", *staging + "/data", "-A", "trust", "-U", "postgres",
                       "-E", "UTF8", "--locale=C", "--no-sync"},
                      *staging, *staging + "/initdb.log");
      if (!made) {
        result = made.error();
      } else if (rename(staging->c_str(), home.c_str()) != 0) {
        result = Unavailable("test.pg-start", "cannot rename " + *staging + " to " + home);
      }
      if (!made || !result) {
        std::error_code ec;
        std::filesystem::remove_all(*staging, ec);
      }
    }
  }
  close(lock);  // releases the flock
  return result;
}

}  // namespace

Result<PgCluster*> PgCluster::Shared() {
  static std::mutex mu;
  static std::unique_ptr<PgCluster> cluster;
  static std::optional<Error> failure;
  std::lock_guard lock(mu);
  if (cluster) return cluster.get();
  if (failure) return *failure;
  auto started = Start();
  if (!started) {
    failure = started.error();
    if (failure->code() == "test.pg-absent") {
      std::cerr << "\n*****\n***** " << kPgAbsentMessage << "\n*****\n" << std::flush;
    }
    return *failure;
  }
  cluster = std::move(*started);
  return cluster.get();
}

std::string PgCluster::BinDir() {
  const char* env = std::getenv("ZJ_PG_BIN");
  return env && *env ? env : kBinDir;
}

Result<std::unique_ptr<PgCluster>> PgCluster::Start() {
  const std::string bin = BinDir();
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    if (access((bin + "/" + tool).c_str(), X_OK) != 0) {
      return Unavailable("test.pg-absent", bin + "/" + tool + " not found");
    }
  }
  ZJ_ASSIGN_OR_RETURN(const std::string pristine, PristineDataDir(bin));
  std::unique_ptr<PgCluster> c(new PgCluster());
  ZJ_ASSIGN_OR_RETURN(c->dir_, MakeOwnedTempDir(FastTempRoot() + "/zj-pg-XXXXXX"));
  ZJ_ASSIGN_OR_RETURN(c->port_, FreePort());
  const std::string data = c->dir_ + "/data";
  const std::string log = c->dir_ + "/setup.log";
  ZJ_TRY(Run({"/bin/cp", "-a", pristine, data}, c->dir_, log));
  const std::string server_options = "-p " + std::to_string(c->port_) + " -k " + c->dir_ +
                                     " -c listen_addresses=127.0.0.1 -c fsync=off"
                                     " -c synchronous_commit=off -c full_page_writes=off"
                                     " -c max_connections=100 -c dynamic_shared_memory_type=mmap";
  ZJ_TRY(Run({bin + "/pg_ctl", "-D", data, "-l", c->dir_ + "/server.log", "-w", "-t", "60", "-o",
              server_options, "start"},
             c->dir_, log));
  c->running_ = true;
  const std::string base = "postgresql://postgres@127.0.0.1:" + std::to_string(c->port_);
  ZJ_TRY(ExecSql(base + "/postgres", "CREATE DATABASE zhijian_test"));
  c->url_ = base + "/zhijian_test";
  return c;
}

PgCluster::~PgCluster() {
  if (running_) {
    auto stopped =
        Run({BinDir() + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}, dir_,
            dir_ + "/setup.log");
    if (!stopped) std::cerr << "PgCluster: " << stopped.error().ToString() << "\n";
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

Result<std::string> PgCluster::CreateDatabase() {
  std::string name;
  {
    std::lock_guard lock(mu_);
    name = "zj_db_" + std::to_string(++next_db_);
  }
  const std::string base = "postgresql://postgres@127.0.0.1:" + std::to_string(port_);
  ZJ_TRY(ExecSql(base + "/postgres", "CREATE DATABASE " + name + " TEMPLATE template0"));
  return base + "/" + name;
}

}  // namespace zhijian::testing
