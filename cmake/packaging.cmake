# CPack: `cpack -G DEB` in the build tree makes covtools_<version>_<arch>.deb.
# Configure with -DCMAKE_INSTALL_PREFIX=/usr for a package: the runner
# looks for its preload library in the libdir of the prefix it was built
# for (and relative to itself, so an unpacked tree works anywhere).
set(CPACK_PACKAGE_NAME covtools)
set(CPACK_PACKAGE_VENDOR "covtools")
set(CPACK_PACKAGE_CONTACT "covtools maintainers <covtools@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "runner runs C test programs (cmocka, TAP, plain, or CTest's) on N workers, each with its own gcov shard and PostgreSQL database; covmerge reads .gcno/.gcda files, lcov tracefiles and portable shards natively, merges them exactly and writes Cobertura, lcov, JSON, Markdown and terminal reports with a coverage gate.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# What the programs load at run time: libc, zlib, and libpq when built
# with PostgreSQL. cmocka is not one of them (the preload library finds
# cmocka's functions in the test program).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, zlib1g")
if(CM_HAVE_POSTGRESQL)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libpq5")
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gcc")
include(CPack)
