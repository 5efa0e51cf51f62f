// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-runner.cc - the ns-3 TestRunner for the standalone build, which has
 * no test-runner binary of its own (Debian ships none). The TestSuites
 * register themselves from static constructors in the linked module.
 *
 *   m3-test-runner --suite=m3-scenario      # one suite
 *   m3-test-runner --list                   # what is registered
 */
#include "ns3/test.h"

int
main(int argc, char* argv[])
{
    return ns3::TestRunner::Run(argc, argv);
}
