# The .deb, built by CPack from the install rules (cmake/tobacco_install.cmake):
#   cd build/default && cpack        -> tobacco-gateway_<version>-1_amd64.deb
# tests/package/ checks it with lintian and installs it in a Debian 12 root.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tobacco-gateway)
set(CPACK_PACKAGE_VENDOR "NHS tobacco dependency services")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${TOBACCO_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "interoperability gateway for NHS tobacco dependency services")
# The extended description; CPack puts the summary above it and indents it.
set(CPACK_PACKAGE_DESCRIPTION
"Carries referrals, consent, prescriptions and outcomes of the NHS tobacco
dependency pathway between hospitals, mental health trusts, GP practices,
community pharmacies and stop smoking services, over gRPC with mutual TLS,
HL7 v2 (MLLP) and FHIR R4 messaging, with a store-and-forward outbox and a
keyed audit chain. Includes tobaccoctl, the command-line client, and a
sandboxed systemd unit.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${TOBACCO_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://digital.nhs.uk/")
# Library dependencies from dpkg-shlibdeps over the two binaries (gRPC,
# protobuf, Abseil, SQLite, OpenSSL, libsystemd, ...), plus systemd-sysusers
# for the postinst and procps for the unit's /bin/kill (ExecReload).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd | systemd-sysusers, procps")
# Install with DESTDIR and the real prefix (/usr), so the install rule that
# puts the configuration in /etc sees /usr, not a staging folder.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# 0755 folders whatever the umask of the machine that packs.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)
# The live configuration is a conffile: an upgrade keeps the operator's
# edits (dpkg asks), and purge removes it.
file(WRITE ${PROJECT_BINARY_DIR}/package/conffiles
     "/etc/tobacco-gateway/gateway.textproto\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/package/conffiles
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
    ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
    ${PROJECT_SOURCE_DIR}/deploy/debian/postrm)
# 0644 for conffiles, 0755 for the scripts, whatever the source tree's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
