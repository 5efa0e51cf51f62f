// SPDX-License-Identifier: GPL-2.0-only
/*
 * m3-shared-buffer-test-suite.cc - TestSuite "m3-shared-buffer": the
 * admission, release and PFC decisions of M3SharedBuffer against numbers
 * computed by hand (packet-model.md section 3).
 *
 * Most cases use one port, B = 171,328 B, the default reserve 4096 B per
 * queue (counted once per port in T), headroom 20,000 B and alpha 1/4:
 *   T(S) = floor((171,328 - 20,000 - 4,096 - S) / 4) = floor((147,232 - S) / 4)
 * with S the shared bytes in use.
 */
#include "ns3/integer.h"
#include "ns3/m3-shared-buffer.h"
#include "ns3/test.h"

using namespace ns3;

namespace
{

/** One port, B = 171,328, headroom 20,000, alpha 0.25 (see the file comment). */
Ptr<M3SharedBuffer>
MakeSmallBuffer()
{
    Ptr<M3SharedBuffer> b = CreateObject<M3SharedBuffer>();
    b->SetAttribute("BufferSize", IntegerValue(171328));
    b->SetNPorts(1);
    b->ConfigurePort(0, 20000, 0.25);
    return b;
}

/**
 * Fills (0, 3) with 1000-byte packets and checks where each one goes:
 * packets 1-4 reserve (4000 <= 4096); packet 5 straddles the reserve and
 * charges 904 B to the pool; packet k >= 6 finds S = 904 + (k - 6) x 1000
 * and is shared while S + 1000 <= T(S), i.e. S <= 28,646: packets 6-33
 * (last: S = 27,904 -> 28,904); packet 34 finds T(28,904) = 29,582 <
 * 29,904: headroom; packets 34-53 fill the 20,000 B of headroom exactly;
 * packet 54 is dropped.
 */
class AdmissionOrderTestCase : public TestCase
{
  public:
    AdmissionOrderTestCase()
        : TestCase("reserve first, then shared up to the threshold, then headroom, then drop")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3SharedBuffer> b = MakeSmallBuffer();
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalReserve(), 4096, "one reserve per port");
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(0), 36808, "T = 147,232 / 4 with an empty pool");
        for (int i = 1; i <= 4; i++)
        {
            NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 1000), M3SharedBuffer::RESERVE, "packet " << i);
        }
        NS_TEST_ASSERT_MSG_EQ(b->GetSharedBytes(0, 3), 0, "reserve does not touch the pool");
        NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 1000), M3SharedBuffer::SHARED, "packet 5");
        NS_TEST_ASSERT_MSG_EQ(b->GetSharedBytes(0, 3), 904, "only the bytes past the reserve");
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(0), 36582, "T = (147,232 - 904) / 4");
        for (int i = 6; i <= 33; i++)
        {
            NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 1000), M3SharedBuffer::SHARED, "packet " << i);
        }
        NS_TEST_ASSERT_MSG_EQ(b->GetSharedBytes(0, 3), 28904, "904 + 28 x 1000");
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalShared(), 28904, "pool total");
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(0), 29582, "T = (147,232 - 28,904) / 4");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldPause(0, 3), false, "28,904 < T: no pause yet");
        NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 1000), M3SharedBuffer::HEADROOM, "packet 34");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldPause(0, 3), true, "headroom in use: pause");
        for (int i = 35; i <= 53; i++)
        {
            NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 1000), M3SharedBuffer::HEADROOM, "packet " << i);
        }
        NS_TEST_ASSERT_MSG_EQ(b->GetHeadroomBytes(0, 3), 20000, "headroom full, exactly");
        NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 1000), M3SharedBuffer::DROP, "packet 54");
        NS_TEST_ASSERT_MSG_EQ(b->GetIngressBytes(0, 3), 53000, "a drop charges nothing");
        NS_TEST_ASSERT_MSG_EQ(b->GetSharedBytes(0, 3), 28904, "a drop charges nothing");
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalUsed(), 53000, "total used");
        // Another queue of the same port still has its own reserve.
        NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 4, 1000), M3SharedBuffer::RESERVE, "queue 4 reserve");
    }
};

/**
 * Release takes headroom first, then shared, then reserve; the resume
 * decision has the 3 KB offset and an exact boundary:
 * S + 3072 <= floor((147,232 - S) / 4) holds for S = 26,988 (30,060 <=
 * 30,061) and fails for S = 26,989 (30,061 > 30,060).
 */
class ReleaseAndResumeTestCase : public TestCase
{
  public:
    ReleaseAndResumeTestCase()
        : TestCase("release order headroom -> shared -> reserve; resume with the 3 KB offset")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3SharedBuffer> b = MakeSmallBuffer();
        for (int i = 0; i < 53; i++)
        {
            b->Admit(0, 3, 1000);
        }
        NS_TEST_ASSERT_MSG_EQ(b->GetHeadroomBytes(0, 3), 20000, "setup as in the admission case");
        b->Release(0, 3, 1000);
        NS_TEST_ASSERT_MSG_EQ(b->GetHeadroomBytes(0, 3), 19000, "headroom goes first");
        NS_TEST_ASSERT_MSG_EQ(b->GetSharedBytes(0, 3), 28904, "shared untouched");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldResume(0, 3), false, "no resume while headroom is used");
        // Headroom freed again: the next packet may use it.
        NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 1000), M3SharedBuffer::HEADROOM, "room again");
        b->Release(0, 3, 1000);
        b->Release(0, 3, 19500);
        NS_TEST_ASSERT_MSG_EQ(b->GetHeadroomBytes(0, 3), 0, "headroom empty");
        NS_TEST_ASSERT_MSG_EQ(b->GetSharedBytes(0, 3), 28404, "then 500 from shared");
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalShared(), 28404, "pool total follows");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldPause(0, 3), false, "28,404 < T = 29,707");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldResume(0, 3), false, "28,404 + 3072 > 29,707");
        b->Release(0, 3, 1415);
        NS_TEST_ASSERT_MSG_EQ(b->GetSharedBytes(0, 3), 26989, "shared");
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(0), 30060, "T = floor(120,243 / 4)");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldResume(0, 3), false, "30,061 > 30,060: one byte short");
        b->Release(0, 3, 1);
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(0), 30061, "T = floor(120,244 / 4)");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldResume(0, 3), true, "30,060 <= 30,061: resume");
        // Used: 4096 reserve (packet 5 filled its last 96 B) + 26,988
        // shared; releasing 27,088 empties the pool and takes 100 from
        // the reserve.
        b->Release(0, 3, 27088);
        NS_TEST_ASSERT_MSG_EQ(b->GetSharedBytes(0, 3), 0, "pool empty");
        NS_TEST_ASSERT_MSG_EQ(b->GetIngressBytes(0, 3), 3996, "reserve keeps the rest");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldResume(0, 3), true, "shared 0: resume");
        // 100 bytes of reserve are free again: the next 100 go there.
        NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 100), M3SharedBuffer::RESERVE, "reserve refilled");
        NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 1), M3SharedBuffer::SHARED, "then the pool");
        b->Release(0, 3, 4097);
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalUsed(), 0, "everything released");
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalShared(), 0, "pool total back to 0");
    }
};

/**
 * T = (B - total headroom - total reserve - shared) x alpha, per port alpha.
 * B = 942,656, 2 ports (reserve 2 x 4096 = 8,192), headroom 10,000
 * and 30,000, alpha 1/4 and 1: free 894,464, T0 = 223,616, T1 = 894,464.
 */
class ThresholdTestCase : public TestCase
{
  public:
    ThresholdTestCase()
        : TestCase("threshold formula with per-port alpha, shared pool and headroom totals")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3SharedBuffer> b = CreateObject<M3SharedBuffer>();
        b->SetAttribute("BufferSize", IntegerValue(942656));
        b->SetNPorts(2);
        b->ConfigurePort(0, 10000, 0.25);
        b->ConfigurePort(1, 30000, 1.0);
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalHeadroom(), 40000, "headroom total");
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalReserve(), 8192, "reserve total: 2 ports x 4096");
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(0), 223616, "alpha 1/4");
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(1), 894464, "alpha 1: four times port 0's");
        // Reconfiguring a port replaces its headroom in the total.
        b->ConfigurePort(0, 20000, 0.5);
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalHeadroom(), 50000, "replaced, not added");
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(0), 442232, "(942,656 - 50,000 - 8,192) / 2");
        b->ConfigurePort(0, 10000, 0.25);
        // One 14,096-byte packet on port 1: 4096 reserve + 10,000 shared.
        NS_TEST_ASSERT_MSG_EQ(b->Admit(1, 1, 14096), M3SharedBuffer::SHARED, "straddles");
        NS_TEST_ASSERT_MSG_EQ(b->GetSharedBytes(1, 1), 10000, "beyond-reserve part only");
        // Shared use anywhere lowers every port's threshold.
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(0), 221116, "(894,464 - 10,000) / 4");
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(1), 884464, "(894,464 - 10,000) x 1");
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalUsed(), 14096, "total used");
    }
};

/**
 * The pitfall: headroom (200,000) larger than the buffer (71,328). The
 * threshold is (71,328 - 200,000 - 4,096) / 4 = -33,192: negative, so
 * PFC fires at once and nothing goes to the pool. With unsigned
 * arithmetic T wraps to ~4.6e18: no pause, and packets land in "shared".
 */
class NegativeThresholdTestCase : public TestCase
{
  public:
    NegativeThresholdTestCase()
        : TestCase("headroom larger than the buffer: negative threshold, PFC fires, no wrap")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3SharedBuffer> b = CreateObject<M3SharedBuffer>();
        b->SetAttribute("BufferSize", IntegerValue(71328));
        b->SetNPorts(1);
        b->ConfigurePort(0, 200000, 0.25);
        NS_TEST_ASSERT_MSG_EQ(b->Threshold(0), -33192, "negative, not wrapped");
        NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 1000), M3SharedBuffer::RESERVE, "reserve still works");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldPause(0, 3), true, "shared 0 >= T < 0: pause at once");
        for (int i = 2; i <= 4; i++)
        {
            b->Admit(0, 3, 1000);
        }
        NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 3, 1000), M3SharedBuffer::HEADROOM, "past the reserve");
        NS_TEST_ASSERT_MSG_EQ(b->GetTotalShared(), 0, "nothing in the pool");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldResume(0, 3), false, "headroom in use");
        b->Release(0, 3, 1000);
        NS_TEST_ASSERT_MSG_EQ(b->GetHeadroomBytes(0, 3), 0, "headroom released first");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldResume(0, 3), true, "shared 0: resume");
    }
};

/** A full port drops while another port and another queue still admit. */
class PortIsolationTestCase : public TestCase
{
  public:
    PortIsolationTestCase()
        : TestCase("per-port headroom and per-queue reserve are isolated")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<M3SharedBuffer> b = CreateObject<M3SharedBuffer>();
        b->SetAttribute("BufferSize", IntegerValue(142656));
        b->SetNPorts(2);
        b->ConfigurePort(0, 5000, 0.25);
        b->ConfigurePort(1, 5000, 0.25);
        // free = 142,656 - 10,000 - 8,192 = 124,464; T(S) = floor((124,464 - S) / 4).
        uint32_t admitted = 0;
        while (b->Admit(0, 3, 1000) != M3SharedBuffer::DROP)
        {
            admitted++;
            NS_TEST_ASSERT_MSG_LT(admitted, 1000u, "port 0 must drop eventually");
        }
        // Shared while S + 1000 <= (124,464 - S) / 4, i.e. S <= 24,092.8:
        // packet 5 (904), then S = 904 + m x 1000 for m = 0..23 -> 24,904;
        // then 5 headroom packets.
        NS_TEST_ASSERT_MSG_EQ(admitted, 34u, "4 reserve + 25 shared + 5 headroom");
        NS_TEST_ASSERT_MSG_EQ(b->GetHeadroomBytes(0, 3), 5000, "port 0 headroom full");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldPause(0, 3), true, "port 0 paused");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldPause(1, 3), false, "port 1 not");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldResume(1, 3), true, "port 1 idle");
        for (int i = 0; i < 4; i++)
        {
            NS_TEST_ASSERT_MSG_EQ(b->Admit(1, 3, 1000), M3SharedBuffer::RESERVE, "port 1 reserve");
        }
        NS_TEST_ASSERT_MSG_EQ(b->Admit(1, 3, 1000), M3SharedBuffer::SHARED, "port 1 pool");
        // T = floor((124,464 - 24,904 - 904) / 4) = 24,664 >= 904 + 1000.
        NS_TEST_ASSERT_MSG_EQ(b->Admit(1, 3, 1000), M3SharedBuffer::SHARED, "port 1 pool");
        NS_TEST_ASSERT_MSG_EQ(b->GetHeadroomBytes(1, 3), 0, "port 1 uses no headroom");
        NS_TEST_ASSERT_MSG_EQ(b->Admit(0, 5, 1000), M3SharedBuffer::RESERVE, "port 0 queue 5");
        NS_TEST_ASSERT_MSG_EQ(b->ShouldPause(0, 5), false, "queue 5 of port 0 not paused");
    }
};

/** TestSuite "m3-shared-buffer". */
class M3SharedBufferTestSuite : public TestSuite
{
  public:
    M3SharedBufferTestSuite()
        : TestSuite("m3-shared-buffer", UNIT)
    {
        AddTestCase(new AdmissionOrderTestCase, TestCase::QUICK);
        AddTestCase(new ReleaseAndResumeTestCase, TestCase::QUICK);
        AddTestCase(new ThresholdTestCase, TestCase::QUICK);
        AddTestCase(new NegativeThresholdTestCase, TestCase::QUICK);
        AddTestCase(new PortIsolationTestCase, TestCase::QUICK);
    }
};

} // namespace

static M3SharedBufferTestSuite g_m3SharedBufferTestSuite;
