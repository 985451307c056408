# ckht links Concurrency Kit (Debian libck-dev; its ck.pc Cflags carry
# -D__x86_64__, which ck's headers need to pick the x86-64 ck_pr).
pkg_check_modules(CK REQUIRED IMPORTED_TARGET ck)
target_link_libraries(maps PUBLIC PkgConfig::CK)
