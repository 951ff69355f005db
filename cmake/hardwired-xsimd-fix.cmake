# Debian's libxsimd-dev 8.1 exports the target `xsimd` with INTERFACE_LINK_LIBRARIES "xtl" but
# neither depends on nor finds xtl, so a bare `-lxtl` reaches the linker and fails. xtl is an
# optional, header-only xsimd feature (XSIMD_ENABLE_XTL_COMPLEX, which hardwired does not use):
# when no xtl target can be found, drop it from xsimd's link interface.
if(TARGET xsimd AND NOT TARGET xtl)
    get_target_property(_hw_xsimd_libs xsimd INTERFACE_LINK_LIBRARIES)
    if(_hw_xsimd_libs AND "xtl" IN_LIST _hw_xsimd_libs)
        find_package(xtl QUIET)
        if(NOT TARGET xtl)
            list(REMOVE_ITEM _hw_xsimd_libs xtl)
            set_property(TARGET xsimd PROPERTY INTERFACE_LINK_LIBRARIES "${_hw_xsimd_libs}")
        endif()
    endif()
    unset(_hw_xsimd_libs)
endif()
