#! /usr/bin/env python3
# Examples that ns-3's test.py runs (in-tree build with examples and tests
# enabled): (command line, run it?, also under valgrind?). test.py reads
# this file from <module>/test/, not from examples/.
cpp_examples = [
    ("m3-compare --parking-lot=5 --workload=cache --num-flows=2000", "True", "True"),
    ("m3-compare --fat-tree=2,4,2,1 --workload=webserver --num-flows=5000", "True", "False"),
    # the packet mode next to flowSim on the same small scenario
    ("m3-compare --mode=packet,flowsim --parking-lot=5 --workload=cache --num-flows=300",
     "True", "False"),
    ("m3-compare --mode=packet --k-ary=4 --cc=hpcc --workload=webserver --num-flows=200",
     "True", "False"),
]

# No Python examples yet.
python_examples = []
