# Writes the C header of the class palette from web/palette.js, the one place
# the viewer and the report take their class colours from.
#   cmake -DJS=web/palette.js -DOUT=.../ev_palette.h -P palette_header.cmake
# Each constant is read from its `export const NAME = VALUE;` line(s): hex
# integers and decimals are the same in C and JavaScript, an array's [ ] become { }.
file(READ "${JS}" js)
set(body "/* Generated from web/palette.js by cmake/palette_header.cmake; do not edit. */\n")
string(APPEND body "#ifndef EV_PALETTE_H\n#define EV_PALETTE_H\n\n")
foreach(name TABLEAU10 TABLEAU20 NO_CLASS GOLDEN_ANGLE_DEGREES HUE_SATURATION LIGHTNESS_EVEN LIGHTNESS_ODD)
  if(NOT js MATCHES "export const ${name} = ([^;]*);")
    message(FATAL_ERROR "${JS}: no `export const ${name} = ...;`")
  endif()
  set(value "${CMAKE_MATCH_1}")
  if(value MATCHES "^\\[(.*)\\]$")
    string(REGEX REPLACE "[ \n]+" " " items "${CMAKE_MATCH_1}")
    string(APPEND body "static const unsigned EV_PALETTE_${name}[] = {${items}};\n")
  else()
    string(APPEND body "#define EV_PALETTE_${name} ${value}\n")
  endif()
endforeach()
string(APPEND body "\n#endif\n")
file(WRITE "${OUT}.tmp" "${body}")
file(RENAME "${OUT}.tmp" "${OUT}")
