# SPDX-License-Identifier: MIT
# The merchant dashboard (dashboard/, served at /admin/) compiled into cartcore-server, so the binary stays one
# self-contained file. The build copies uPlot's ES module and CSS from node_modules (npm ci, pinned in
# package.json) into the served set as vendor/; nothing is bundled or transformed, and nothing comes from a CDN.
set(CARTCORE_DASHBOARD_DIR ${PROJECT_SOURCE_DIR}/dashboard)
set(dashboard_files  # served name = source file; explicit, like every source list
  index.html dashboard.css favicon.svg
  app.mjs api.mjs event-stream.mjs format.mjs dom.mjs chart.mjs view-support.mjs
  sign-in.mjs promotions-view.mjs margin-view.mjs live-stock.mjs replay-view.mjs)
set(dashboard_assets "")
set(dashboard_sources "")
foreach(file IN LISTS dashboard_files)
  list(APPEND dashboard_assets "${file}=${CARTCORE_DASHBOARD_DIR}/${file}")
  list(APPEND dashboard_sources ${CARTCORE_DASHBOARD_DIR}/${file})
endforeach()

set(uplot_dir ${PROJECT_SOURCE_DIR}/node_modules/uplot/dist)
if(EXISTS ${uplot_dir}/uPlot.esm.js AND EXISTS ${uplot_dir}/uPlot.min.css)
  list(APPEND dashboard_assets "vendor/uPlot.esm.js=${uplot_dir}/uPlot.esm.js" "vendor/uPlot.min.css=${uplot_dir}/uPlot.min.css")
  list(APPEND dashboard_sources ${uplot_dir}/uPlot.esm.js ${uplot_dir}/uPlot.min.css)
else()
  # The page still works without it: every chart's figures are also in its data table.
  message(WARNING "node_modules/uplot is missing (run npm ci): the dashboard at /admin/ will have tables but no charts")
endif()

string(REPLACE ";" "|" dashboard_assets_arg "${dashboard_assets}")
set(CARTCORE_DASHBOARD_GENERATED ${CMAKE_CURRENT_BINARY_DIR}/generated/dashboard_files.cpp)
add_custom_command(
  OUTPUT ${CARTCORE_DASHBOARD_GENERATED}
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${CARTCORE_DASHBOARD_GENERATED} "-DASSETS=${dashboard_assets_arg}"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/embed-dashboard.cmake
  DEPENDS ${dashboard_sources} ${CMAKE_CURRENT_SOURCE_DIR}/embed-dashboard.cmake
  COMMENT "Embedding the dashboard's files (dashboard/, uPlot)"
  VERBATIM)
