# cmake -DDIR=<folder> -DOUTPUT=<file.cpp> -DFUNCTION=<name> -P EmbedDirectoryScript.cmake
# Embeds every file under DIR, named by its base name, through EmbedFilesScript.cmake: for a
# build output (the web console's) whose file names (content hashes) are known only after it ran.
cmake_minimum_required(VERSION 3.25)
file(GLOB_RECURSE FILES LIST_DIRECTORIES false "${DIR}/*")
list(SORT FILES)
set(names "")
foreach(path IN LISTS FILES)
  get_filename_component(name "${path}" NAME)
  if(name IN_LIST names)
    message(FATAL_ERROR "${DIR}: two files named ${name}; embedded files are served by base name")
  endif()
  list(APPEND names "${name}")
endforeach()
include(${CMAKE_CURRENT_LIST_DIR}/EmbedFilesScript.cmake)
