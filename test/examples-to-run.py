#! /usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Examples that ns-3's test.py runs (in-tree build with examples and tests
# enabled): (command line, run it?, also under valgrind?). test.py reads
# this file from <module>/test/, not from examples/.
cpp_examples = [
    # flowSim alone is fast enough for valgrind
    ("m3-compare --mode=flowsim --parking-lot=5 --workload=cache --num-flows=2000", "True", "True"),
    ("m3-compare --mode=flowsim --fat-tree=2,4,2,1 --workload=webserver --num-flows=5000",
     "True", "False"),
    # the packet mode next to flowSim on the same small scenario
    ("m3-compare --mode=packet,flowsim --parking-lot=5 --workload=cache --num-flows=300",
     "True", "False"),
    ("m3-compare --mode=packet --k-ary=4 --cc=hpcc --workload=webserver --num-flows=200",
     "True", "False"),
    # every mode (the default), m3 included
    ("m3-compare --k-ary=4 --workload=webserver --num-flows=1000 --path-samples=200",
     "True", "False"),
    # the scripting API: one scenario, the three estimators through the helper
    ("m3-estimators-example --num-flows=1000", "True", "False"),
]

# No Python examples yet.
python_examples = []
