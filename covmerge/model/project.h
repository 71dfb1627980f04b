/* Where a project lives, as covmerge guesses it when not told: CMake's
 * build tree (the directory holding CMakeCache.txt) and source tree
 * (CMAKE_HOME_DIRECTORY in that cache), system directories, the deepest
 * directory that holds a set of paths, and CMake's compiler probe. */
#ifndef CM_PROJECT_H
#define CM_PROJECT_H

#include <stddef.h>

/* Whether abs (absolute, normalised) lies in a system directory (/usr,
 * /lib, /lib64, /bin, /sbin, /etc, /proc, /sys, /dev) or is a shared parent
 * of unrelated trees ("/", /tmp, /var, /home, /mnt, /media, /opt, /srv
 * themselves): never a project's tree. */
int project_is_system(const char *abs);

/* The CMake build tree that built the notes file at notes (absolute): the
 * nearest directory above it that holds a CMakeCache.txt, provided the
 * notes file lies in a CMakeFiles directory under it (where CMake puts
 * objects); else NULL. */
char *project_cmake_build_dir(const char *notes);

/* CMAKE_HOME_DIRECTORY as recorded in build_dir/CMakeCache.txt (the
 * source tree that build tree was configured from), normalised, or NULL
 * when the cache does not say or cannot be read. */
char *project_cmake_source_dir(const char *build_dir);

/* The source tree of the CMake build trees that hold the n notes files
 * (absolute paths): their CMAKE_HOME_DIRECTORY, or the deepest directory
 * holding every one when there are several; NULL when no notes file lies
 * in a CMake build tree. */
char *project_source_root(char *const *notes, size_t n);

/* The deepest directory that holds every one of the n absolute paths
 * (files when files is set, so a path's own last component is not a
 * candidate); "/" when they share nothing, NULL when n is 0. */
char *project_common_dir(char *const *paths, size_t n, int files);

/* Whether path is CMake's compiler identification source
 * (.../CMakeFiles/.../CMakeCCompilerId.c or CMakeCXXCompilerId.cpp):
 * built while configuring, never a project source. */
int project_is_compiler_probe(const char *path);

#endif
