// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-result.cc - M3Result: ownership of one m3_result (see the header).
 */
#include "m3-result.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace ns3
{

M3Result::M3Result(const std::string& mode)
{
    m3_result_init(&m_r, mode.c_str());
}

M3Result::~M3Result()
{
    m3_result_free(&m_r);
}

M3Result::M3Result(M3Result&& other) noexcept
{
    // The struct is plain data plus three owned pointers: take them all
    // and leave the source a fresh result of the same mode.
    std::memcpy(&m_r, &other.m_r, sizeof m_r);
    m3_result_init(&other.m_r, m_r.mode);
}

M3Result&
M3Result::operator=(M3Result&& other) noexcept
{
    if (this != &other)
    {
        m3_result_free(&m_r);
        std::memcpy(&m_r, &other.m_r, sizeof m_r);
        m3_result_init(&other.m_r, m_r.mode);
    }
    return *this;
}

void
M3Result::Reset(const std::string& mode)
{
    m3_result_free(&m_r);
    m3_result_init(&m_r, mode.c_str());
}

m3_result*
M3Result::Raw()
{
    return &m_r;
}

const m3_result&
M3Result::Get() const
{
    return m_r;
}

std::string
M3Result::GetMode() const
{
    return m_r.mode;
}

const m3_summary&
M3Result::GetSummary() const
{
    return m_r.summary;
}

double
M3Result::GetPercentile(int p) const
{
    if (p < 1 || p > M3_RESULT_PCTS)
    {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return m_r.pct[p - 1];
}

bool
M3Result::HasInterval() const
{
    return m_r.has_ci != 0;
}

double
M3Result::GetCiLevel() const
{
    return m_r.ci_level;
}

const m3_summary&
M3Result::GetCiLo() const
{
    return m_r.ci_lo;
}

const m3_summary&
M3Result::GetCiHi() const
{
    return m_r.ci_hi;
}

size_t
M3Result::GetNumFlows() const
{
    return m_r.num_flows;
}

size_t
M3Result::GetUnfinished() const
{
    return m_r.unfinished;
}

bool
M3Result::HasFlows() const
{
    return m_r.fct_ns != nullptr && m_r.ideal_ns != nullptr;
}

const double*
M3Result::GetFctNs() const
{
    return m_r.fct_ns;
}

const double*
M3Result::GetIdealNs() const
{
    return m_r.ideal_ns;
}

const double*
M3Result::GetFluidNs() const
{
    return m_r.fluid_ns;
}

double
M3Result::GetWallSeconds() const
{
    return m_r.wall_s;
}

void
M3Result::SetWallSeconds(double s)
{
    m_r.wall_s = s;
}

std::vector<std::string>
M3Result::GetWarnings() const
{
    int stored =
        m_r.num_warnings < M3_RESULT_MAX_WARNINGS ? m_r.num_warnings : M3_RESULT_MAX_WARNINGS;
    return std::vector<std::string>(m_r.warnings, m_r.warnings + stored);
}

int
M3Result::GetNumWarnings() const
{
    return m_r.num_warnings;
}

void
M3Result::Warn(const std::string& line)
{
    m3_result_warn(&m_r, "%s", line.c_str());
}

bool
M3Result::SetFcts(const m3_flows& flows,
                  const double* fctNs,
                  const double* idealNs,
                  const double* fluidNs,
                  std::string* error)
{
    m3_error err;
    if (m3_result_set_fcts(&m_r, &flows, fctNs, idealNs, fluidNs, &err) != 0)
    {
        if (error)
        {
            *error = err.msg;
        }
        return false;
    }
    return true;
}

} // namespace ns3
