# `cmake --install` rules (README "Installing: package, systemd unit and
# container"), which the .deb (cmake/tobacco_package.cmake) packages as they
# are. With --prefix /usr:
#   /usr/bin/tobacco-gateway, /usr/bin/tobaccoctl
#   /usr/lib/systemd/system/tobacco-gateway.service
#   /usr/lib/sysusers.d/tobacco-gateway.conf
#   /usr/share/doc/tobacco-gateway/   README.md, copyright, changelog.Debian.gz,
#                                     examples/gateway.textproto
#   /usr/share/man/man1/              tobacco-gateway.1.gz, tobaccoctl.1.gz
#   /usr/share/lintian/overrides/tobacco-gateway
#   /etc/tobacco-gateway/gateway.textproto   (a conffile in the .deb)
include(GNUInstallDirs)

# Who answers for the package, and its Debian version (upstream version from
# project(), Debian revision 1): the changelog below and the .deb use both.
set(TOBACCO_PACKAGE_MAINTAINER
    "Tobacco Gateway Team <tobacco-gateway@nhs.net>")
set(TOBACCO_DEB_VERSION "${PROJECT_VERSION}-1")

install(TARGETS tobacco-gateway tobaccoctl
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Full RELRO for the two installed programs, as Debian's own packages are
# linked (dpkg-buildflags' hardening=+bindnow; lintian's
# hardening-no-bindnow): the GOT is read-only once they start.
foreach(_program tobacco-gateway tobaccoctl)
  target_link_options(${_program} PRIVATE LINKER:-z,relro,-z,now)
endforeach()

# systemd looks in /usr/lib (and /usr/local/lib) for units and sysusers.d;
# lib, not CMAKE_INSTALL_LIBDIR, which is lib/x86_64-linux-gnu on Debian.
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/tobacco-gateway.service
        DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/tobacco-gateway.sysusers
        DESTINATION lib/sysusers.d RENAME tobacco-gateway.conf)

# The packaged configuration: the development config with its paths turned
# into an installation's (certificates in /etc/tobacco-gateway/tls, data in
# the unit's StateDirectory). It keeps the development audit key and the
# development CA's names: an operator edits it before the first start.
file(READ ${PROJECT_SOURCE_DIR}/deploy/config/gateway.textproto _config)
string(REPLACE "../../certs/out/" "tls/" _config "${_config}")
string(REPLACE "../../var/data" "/var/lib/tobacco-gateway" _config "${_config}")
string(REPLACE "./deploy/run.sh uses it as is."
  "Installed as /etc/tobacco-gateway/gateway.textproto (README \"Installing\");
# paths are relative to /etc/tobacco-gateway. Put the certificates in tls/
# (root:tobacco-gateway, mode 0640) and edit before the first start." _config
  "${_config}")
file(WRITE ${PROJECT_BINARY_DIR}/package/gateway.textproto "${_config}")
set(_doc ${CMAKE_INSTALL_DATADIR}/doc/tobacco-gateway)
install(FILES ${PROJECT_BINARY_DIR}/package/gateway.textproto
        DESTINATION ${_doc}/examples)
# The same file as the live configuration. /etc for a /usr prefix, as
# GNUInstallDirs' CMAKE_INSTALL_FULL_SYSCONFDIR decides, but at install time:
# cpack installs with the packaging prefix (/usr), not the configured one.
# DESTDIR applies as for every other file.
set(_install_etc [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(_tobacco_etc "/etc/tobacco-gateway")
  else()
    set(_tobacco_etc "${CMAKE_INSTALL_PREFIX}/etc/tobacco-gateway")
  endif()
  # Straight onto a live system (no DESTDIR), never over an operator's
  # configuration; dpkg handles that case for the .deb (a conffile).
  if("$ENV{DESTDIR}" STREQUAL "" AND EXISTS "${_tobacco_etc}/gateway.textproto")
    message(STATUS "Keeping: ${_tobacco_etc}/gateway.textproto (exists)")
  else()
    file(INSTALL DESTINATION "${_tobacco_etc}" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
         FILES "@PROJECT_BINARY_DIR@/package/gateway.textproto")
  endif()
]])
string(CONFIGURE "${_install_etc}" _install_etc @ONLY)
install(CODE "${_install_etc}")

# Debian's changelog, compressed as policy wants (gzip -9n: no name or time
# in the header, so the package is reproducible).
configure_file(${PROJECT_SOURCE_DIR}/deploy/debian/changelog.in
               ${PROJECT_BINARY_DIR}/package/changelog.Debian @ONLY)
find_program(GZIP_PROGRAM gzip REQUIRED)
execute_process(
  COMMAND ${GZIP_PROGRAM} -9nf ${PROJECT_BINARY_DIR}/package/changelog.Debian
  COMMAND_ERROR_IS_FATAL ANY)
# Manual pages (deploy/man/), compressed as the changelog is.
foreach(_page tobacco-gateway.1 tobaccoctl.1)
  file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/package/man)
  file(COPY_FILE ${PROJECT_SOURCE_DIR}/deploy/man/${_page}
       ${PROJECT_BINARY_DIR}/package/man/${_page})
  execute_process(
    COMMAND ${GZIP_PROGRAM} -9nf ${PROJECT_BINARY_DIR}/package/man/${_page}
    COMMAND_ERROR_IS_FATAL ANY)
  install(FILES ${PROJECT_BINARY_DIR}/package/man/${_page}.gz
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endforeach()
# The lintian tags the package overrides, each with its reason.
install(FILES ${PROJECT_SOURCE_DIR}/deploy/debian/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME tobacco-gateway)
install(FILES ${PROJECT_SOURCE_DIR}/README.md
              ${PROJECT_SOURCE_DIR}/deploy/debian/copyright
              ${PROJECT_BINARY_DIR}/package/changelog.Debian.gz
        DESTINATION ${_doc})
