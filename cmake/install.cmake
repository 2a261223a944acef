# cmake --install: the headers, both parts of the library (shared with a
# versioned soname, and static), the CLI, a CMake package and pkg-config
# files.  Included by the top-level CMakeLists.txt.
#
#   find_package(embview)                     embview::embview, embview::report (shared)
#   find_package(embview COMPONENTS static)   also embview::embview_static, embview::report_static
#   pkg-config embview / embview-report       (--static for the static libraries)
# The server library stays inside the CLI: it is not installed.
include(CMakePackageConfigHelpers)

set_target_properties(embview_shared PROPERTIES EXPORT_NAME embview)
set_target_properties(embview_report_shared PROPERTIES EXPORT_NAME report)
set_target_properties(embview PROPERTIES EXPORT_NAME embview_static)
set_target_properties(embview_report PROPERTIES EXPORT_NAME report_static)
set(EV_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/embview)

install(TARGETS embview_shared embview_report_shared EXPORT embview-targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development)
install(TARGETS embview embview_report EXPORT embview-static-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development)
install(TARGETS embview_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/embview DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT Development
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/embview/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/embview COMPONENT Development)
install(EXPORT embview-targets NAMESPACE embview:: DESTINATION ${EV_CMAKE_DIR} COMPONENT Development)
install(EXPORT embview-static-targets NAMESPACE embview:: DESTINATION ${EV_CMAKE_DIR} COMPONENT Development)

configure_package_config_file(cmake/embview-config.cmake.in ${PROJECT_BINARY_DIR}/embview-config.cmake
                              INSTALL_DESTINATION ${EV_CMAKE_DIR})
# Before 1.0 only the same minor version is compatible (as the soname says).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/embview-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/embview-config.cmake ${PROJECT_BINARY_DIR}/embview-config-version.cmake
        DESTINATION ${EV_CMAKE_DIR} COMPONENT Development)

# pkg-config: what the static libraries need goes in the .private fields.
set(EV_PC_LIBS_PRIVATE "${EV_BLAS_LIBS} -lm")
if(EV_OPENMP)
  string(APPEND EV_PC_LIBS_PRIVATE " ${OpenMP_C_FLAGS}")
endif()
string(APPEND EV_PC_LIBS_PRIVATE " -pthread")
file(RELATIVE_PATH EV_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" EV_PC_TO_PREFIX "${EV_PC_TO_PREFIX}")
foreach(pc embview embview-report)
  configure_file(cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
          COMPONENT Development)
endforeach()
