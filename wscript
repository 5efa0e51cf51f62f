# SPDX-License-Identifier: GPL-2.0-only
# -*- Mode: python; py-indent-offset: 4; indent-tabs-mode: nil; coding: utf-8; -*-
# m3-ns3 for waf-era ns-3 (3.35 and older): copy or link this directory to
# <ns-3>/contrib/m3, then
#   ./waf configure --enable-examples --enable-tests && ./waf build
#   ./waf --run m3-compare
#   ./test.py -s m3-scenario
# The file lists must match CMakeLists.txt: test/check-wscript.py compares
# them (ctest build/wscript-sync).

# ---- the C core (no ns-3 dependency) ----
M3_CORE_SOURCES = [
    'model/core/util.c',
    'model/core/topology.c',
    'model/core/topology-builders.c',
    'model/core/topology-io.c',
    'model/core/flows.c',
    'model/core/config.c',
    'model/core/scenario.c',
    'model/core/routing.c',
    'model/core/route-index.c',
    'model/core/size-dist.c',
    'model/core/size-cdf-tables.c',
    'model/core/workload.c',
    'model/core/workload-path.c',
    'model/core/flowsim.c',
    'model/core/flowsim-incr.c',
    'model/core/flowsim-full.c',
    'model/core/flowsim-naive.c',
    'model/core/flowsim-line.c',
    'model/core/flowsim-estimate.c',
    'model/core/line.c',
    'model/core/switch-pool.c',
    'model/core/rng.c',
    'model/core/stats.c',
    'model/core/fct-csv.c',
    'model/core/features.c',
    'model/core/config-sample.c',
    'model/core/result.c',
    'model/core/path-sample.c',
    'model/core/path-scenario.c',
    'model/core/aggregate.c',
    'model/core/estimate-m3.c',
]
M3_CORE_HEADERS = ['model/core/m3.h']

M3_CORE_TESTS = [
    'test/core/test-parsers.c',
    'test/core/test-routing.c',
    'test/core/test-workload.c',
    'test/core/test-flowsim.c',
    'test/core/test-line.c',
    'test/core/test-io.c',
    'test/core/test-stats.c',
    'test/core/test-features.c',
    'test/core/test-decompose.c',
    'test/core/test-aggregate.c',
    'test/core/test-estimate-m3.c',
]

M3_TOOLS = ['tools/m3-flowsim.c', 'tools/m3-workload.c']

# ---- the inference shim (model/infer/): waf builds the torch-free one, whose
# m3_model_load refuses and says how to get libtorch (with libtorch, CMake
# builds the front M3_INFER_DL_SOURCES and the plugin M3_INFER_SOURCES) ----
M3_INFER_SOURCES = ['model/infer/m3-infer.cc', 'model/infer/m3-infer-meta.cc']
M3_INFER_DL_SOURCES = ['model/infer/m3-infer-dl.c']
M3_INFER_NONE_SOURCES = ['model/infer/m3-infer-none.c']
M3_INFER_HEADERS = ['model/infer/m3-infer.h']

# ---- the ns-3 module (C++) ----
M3_NS3_SOURCES = [
    'model/m3-scenario.cc',
    'model/m3-rdma-header.cc',
    'model/m3-port-device.cc',
    'model/m3-port-channel.cc',
    'model/m3-shared-buffer.cc',
    'model/m3-switch.cc',
    'model/m3-rdma-flow.cc',
    'model/m3-rdma-nic.cc',
    'model/m3-cc.cc',
    'model/m3-cc-dctcp.cc',
    'model/m3-cc-hpcc.cc',
    'model/m3-cc-dcqcn.cc',
    'model/m3-cc-timely.cc',
    'model/m3-result.cc',
    'model/m3-result-json.cc',
    'model/m3-result-table.cc',
    'model/m3-estimator.cc',
    'model/m3-flowsim-estimator.cc',
    'model/m3-packet-estimator.cc',
    'model/m3-model-estimator.cc',
    'helper/m3-scenario-helper.cc',
    'helper/m3-packet-helper.cc',
    'helper/m3-packet-helper-config.cc',
    'helper/m3-packet-helper-network.cc',
    'helper/m3-packet-helper-run.cc',
    'helper/m3-path-sample-helper.cc',
    'helper/m3-estimator-helper.cc',
    'helper/m3-command-line.cc',
]
M3_NS3_HEADERS = [
    'model/m3-scenario.h',
    'model/m3-rdma-header.h',
    'model/m3-port-device.h',
    'model/m3-port-channel.h',
    'model/m3-shared-buffer.h',
    'model/m3-switch.h',
    'model/m3-rdma-flow.h',
    'model/m3-rdma-nic.h',
    'model/m3-cc.h',
    'model/m3-cc-dctcp.h',
    'model/m3-cc-hpcc.h',
    'model/m3-cc-dcqcn.h',
    'model/m3-cc-timely.h',
    'model/m3-result.h',
    'model/m3-result-json.h',
    'model/m3-result-table.h',
    'model/m3-estimator.h',
    'model/m3-flowsim-estimator.h',
    'model/m3-packet-estimator.h',
    'model/m3-model-estimator.h',
    'helper/m3-scenario-helper.h',
    'helper/m3-packet-helper.h',
    'helper/m3-path-sample-helper.h',
    'helper/m3-estimator-helper.h',
    'helper/m3-command-line.h',
]
M3_NS3_TEST_SOURCES = [
    'test/m3-scenario-test-suite.cc',
    'test/m3-shared-buffer-test-suite.cc',
    'test/m3-switch-test-suite.cc',
    'test/m3-cc-test-suite.cc',
    'test/m3-rdma-nic-test-suite.cc',
    'test/m3-packet-test-suite.cc',
    'test/m3-estimator-test-suite.cc',
]

C_FLAGS = ['-std=c11', '-O2', '-fPIC', '-Wall', '-Wextra']


def configure(conf):
    # The C core needs GSL whatever ns-3's own optional GSL check found.
    conf.check_cc(lib='gsl', uselib_store='M3GSL', mandatory=True)
    conf.check_cc(lib='gslcblas', uselib_store='M3GSL', mandatory=True)
    conf.check_cc(lib='m', uselib_store='M3GSL', mandatory=True)


def stem(path):
    return path.rsplit('/', 1)[-1].rsplit('.', 1)[0]


def build(bld):
    # The C core as its own static library task, linked into the module.
    bld(features='c cstlib', source=M3_CORE_SOURCES, target='m3core',
        cflags=C_FLAGS, includes=['model/core'], export_includes=['model/core'],
        use=['M3GSL'])
    # ... and as a shared library, libm3core.so, for bindings/m3core.py
    # (M3CORE_LIB=<ns-3>/build/contrib/m3/libm3core.so); waf compiles the
    # sources a second time for it.
    bld(features='c cshlib', source=M3_CORE_SOURCES, target='m3core', name='m3core-shared',
        cflags=C_FLAGS, includes=['model/core'], use=['M3GSL'])

    # The inference shim, torch-free, for the m3 estimator in the module.
    bld(features='c cstlib', source=M3_INFER_NONE_SOURCES, target='m3infer',
        cflags=C_FLAGS, includes=['model/infer', 'model/core'],
        export_includes=['model/infer'], use=['m3core'])

    module = bld.create_ns3_module('m3', ['core', 'network'])
    module.source = M3_NS3_SOURCES
    module.use.extend(['m3core', 'm3infer', 'M3GSL'])

    headers = bld(features='ns3header')
    headers.module = 'm3'
    # m3.h too: the module's headers include it as "ns3/m3.h".
    headers.source = M3_NS3_HEADERS + M3_CORE_HEADERS + M3_INFER_HEADERS

    if bld.env['ENABLE_TESTS']:
        module_test = bld.create_ns3_module_test_library('m3')
        module_test.source = M3_NS3_TEST_SOURCES
        module_test.use.extend(['m3core'])
        # The C core's own tests: plain programs under build/contrib/m3/.
        for src in M3_CORE_TESTS:
            bld(features='c cprogram', source=[src], target='m3-core-' + stem(src),
                cflags=C_FLAGS, includes=['test/core'], use=['m3core', 'M3GSL'])

    for src in M3_TOOLS + ['bench/bench-flowsim.c', 'bench/bench-scale.c']:
        bld(features='c cprogram', source=[src], target=stem(src),
            cflags=C_FLAGS, use=['m3core', 'M3GSL'])

    if bld.env['ENABLE_EXAMPLES']:
        bld.recurse('examples')
