#! /usr/bin/env python3
# Examples that ns-3's test.py runs (in-tree build with examples and tests
# enabled): (command line, run it?, also under valgrind?). test.py reads
# this file from <module>/test/, not from examples/.
cpp_examples = [
    ("m3-compare --parking-lot=5 --workload=cache --num-flows=2000", "True", "True"),
    ("m3-compare --fat-tree=2,4,2,1 --workload=webserver --num-flows=5000", "True", "False"),
]

# No Python examples yet.
python_examples = []
