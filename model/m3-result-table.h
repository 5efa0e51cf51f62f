/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-result-table.h - the one table printer: the results of one run
 * (one per mode, same scenario) side by side.
 *
 * Design: rows are grouped by size bucket ("all" first), one row per mode
 * within a group, so the modes' percentiles of a bucket sit one under the
 * other. A result with an interval prints "2.310 [2.10, 2.55]". When a
 * packet result is among them, every other mode's row also gets its
 * relative error against packet per percentile, and the footer its
 * speedup. The footer has one line per mode: wall time, speedup, and the
 * mode's own statistics (packet: stop reason, simulated time, packets,
 * PFC pauses, drops, timeouts, unfinished flows; m3: path draws, distinct
 * paths, stage times). Warnings are not printed here. Cost: a few lines
 * per mode and bucket.
 */
#ifndef M3_RESULT_TABLE_H
#define M3_RESULT_TABLE_H

#include "ns3/m3-result.h"

#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/** Prints the table of \p results to \p os. */
void M3PrintTable(std::ostream& os, const std::vector<const M3Result*>& results);

/** A bucket label: [1000, 10000) -> "1K-10K", [50000, inf) -> "50K-inf". */
std::string M3BucketLabel(const m3_bucket_stats& b);

} // namespace ns3

#endif /* M3_RESULT_TABLE_H */
