#include <catch2/catch.hpp>
#include <unistd.h>

#include "hook_file_safety.hpp"
#include "hook_test_support.hpp"
#include "skip.hpp"

using namespace timeguard;
using timeguard::test::TempDir;
using timeguard::test::write_file;

namespace {
constexpr uid_t nobody_uid = 65534;
}

TEST_CASE("hook file safety: accepts root-owned 0755 program", "[hook_file_safety]") {
  if (::geteuid() != 0) TIMEGUARD_SKIP("needs root to create root-owned files");
  TempDir dir;
  const std::string hook = write_file(dir.file("hook.sh"), "#!/bin/sh\nexit 0\n", 0755);

  const Result<CheckedExecutable> program = open_checked_executable(hook);
  REQUIRE(program.ok());
  CHECK(program->is_script);
  CHECK(program->fd.valid());

  const Result<CheckedExecutable> binary = open_checked_executable("/bin/true");
  REQUIRE(binary.ok());
  CHECK_FALSE(binary->is_script);
  CHECK(check_config_file(write_file(dir.file("timeguard.yaml"), "hooks: {}\n", 0644)).ok());
}

TEST_CASE("hook file safety: rejects unsafe files", "[hook_file_safety]") {
  if (::geteuid() != 0) TIMEGUARD_SKIP("needs root to chown files to nobody");
  struct Case {
    mode_t mode;
    uid_t owner;
    std::string problem;  // what follows the path in the reason
  };
  const std::vector<Case> cases{
      {0775, 0, " is group-writable (mode 0775); run chmod g-w "},
      {0757, 0, " is world-writable (mode 0757); run chmod o-w "},
      {0777, 0, " is group- and world-writable (mode 0777); run chmod go-w "},
      {0755, nobody_uid, " is owned by uid 65534, not root; run chown root "},
  };

  for (const Case& c : cases) {
    TempDir dir;
    const std::string hook = write_file(dir.file("hook.sh"), "#!/bin/sh\nexit 0\n", c.mode);
    const std::string config = write_file(dir.file("timeguard.yaml"), "hooks: {}\n", c.mode);
    REQUIRE(::chown(hook.c_str(), c.owner, 0) == 0);
    REQUIRE(::chown(config.c_str(), c.owner, 0) == 0);
    INFO("mode " << std::oct << c.mode << " owner " << std::dec << c.owner);

    const Result<CheckedExecutable> program = open_checked_executable(hook);
    REQUIRE_FALSE(program.ok());
    CHECK(program.error().reason == hook + c.problem + hook);

    const Status config_status = check_config_file(config);
    REQUIRE_FALSE(config_status.ok());
    CHECK(config_status.error().reason == config + c.problem + config);
  }
}

TEST_CASE("hook file safety: rejects writable directory above", "[hook_file_safety]") {
  if (::geteuid() != 0) TIMEGUARD_SKIP("needs root to create root-owned files");
  TempDir dir;
  const std::string subdir = dir.file("bin");
  REQUIRE(::mkdir(subdir.c_str(), 0775) == 0);
  REQUIRE(::chmod(subdir.c_str(), 0775) == 0);
  const std::string hook = write_file(subdir + "/hook.sh", "#!/bin/sh\nexit 0\n", 0755);

  const Result<CheckedExecutable> program = open_checked_executable(hook);
  REQUIRE_FALSE(program.ok());
  CHECK(program.error().reason == subdir + " is group-writable (mode 0775); run chmod g-w " + subdir);
}

TEST_CASE("hook file safety: checks symlink target", "[hook_file_safety]") {
  if (::geteuid() != 0) TIMEGUARD_SKIP("needs root to chown files to nobody");
  TempDir dir;
  const std::string target = write_file(dir.file("real.sh"), "#!/bin/sh\nexit 0\n", 0755);
  REQUIRE(::chown(target.c_str(), nobody_uid, 0) == 0);
  const std::string link = dir.file("link.sh");
  REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);

  const Result<CheckedExecutable> program = open_checked_executable(link);
  REQUIRE_FALSE(program.ok());
  CHECK(program.error().reason == link + " is owned by uid 65534, not root; run chown root " + link);
}

TEST_CASE("hook file safety: other rejections", "[hook_file_safety]") {
  TempDir dir;
  CHECK(open_checked_executable("bin/true").error().reason == "hook program bin/true is not an absolute path");
  CHECK(open_checked_executable(dir.file("missing")).error().reason ==
        "cannot open " + dir.file("missing") + ": No such file or directory");
  CHECK(open_checked_executable(dir.path()).error().reason == dir.path() + " is not a regular file");

  if (::geteuid() != 0) TIMEGUARD_SKIP("needs root to create root-owned files");
  const std::string plain = write_file(dir.file("plain"), "data\n", 0644);
  CHECK(open_checked_executable(plain).error().reason ==
        plain + " is not executable (mode 0644); run chmod u+x " + plain);
}
