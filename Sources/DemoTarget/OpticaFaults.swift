/// Faults of the optica app: mistakes real teams ship. `ronda demo --fault NAME` switches one
/// on; the bundled suite then fails with a message that names what went wrong.
public enum OpticaFaults {
    /// Login redirects to the dashboard but sets no `sessionid` cookie.
    public static let sessionCookieDropped = DemoFault(
        "session-cookie-dropped",
        "login answers 302 to the dashboard but sets no sessionid cookie, so staff land on the login page again"
    )
    /// `POST /appointments/create/` answers 500 for Monday dates.
    public static let appointmentMonday500 = DemoFault(
        "appointment-monday-500",
        "booking an appointment on a Monday answers 500 (the opening-hours table is indexed from Sunday and runs off its end)"
    )
    /// `GET /appointments/availability/` takes 2 s.
    public static let slowAvailability = DemoFault(
        "slow-availability",
        "the availability endpoint takes 2 s to answer (it scans every appointment ever booked)"
    )
    /// `GET /appointments/availability/` lists no free slots.
    public static let availabilityNoSlots = DemoFault(
        "availability-no-slots",
        "availability returns no free slots for any doctor or day (the day is compared in UTC against local times)"
    )
    /// Rescheduling leaves the old slot booked.
    public static let rescheduleKeepsOldSlot = DemoFault(
        "reschedule-keeps-old-slot",
        "rescheduling an appointment books the new slot but leaves the old one taken"
    )
    /// Cancelling forgets the reason.
    public static let cancelReasonLost = DemoFault(
        "cancel-reason-lost",
        "cancelling an appointment accepts a reason but does not save it (cancel_reason stays null)"
    )
    /// The prescription swaps the eyes.
    public static let prescriptionEyesSwapped = DemoFault(
        "prescription-eyes-swapped",
        "the prescription's formula puts the left eye's (OI) values under the right eye (OD) and vice versa"
    )
    /// 5 and 8 modules fall one discount tier short.
    public static let discountTierBoundary = DemoFault(
        "discount-tier-boundary",
        "the volume discount compares with > instead of >=: 5 modules get 0 % instead of 10 %, 8 get 10 % instead of 20 %"
    )
    /// The declined sandbox card is charged.
    public static let declinedCardAccepted = DemoFault(
        "declined-card-accepted",
        "the Stripe sandbox card 4000000000000002 is charged instead of declined"
    )
    /// The Stripe webhook accepts any signature.
    public static let stripeSignatureUnchecked = DemoFault(
        "stripe-signature-unchecked",
        "the Stripe webhook does not check Stripe-Signature: a forged event activates modules without a payment"
    )
    /// Wompi's upper-case checksum is refused.
    public static let wompiChecksumLowercase = DemoFault(
        "wompi-checksum-lowercase",
        "valid Wompi events are refused with 400: the checksum is compared case-sensitively with lower-case hex, and Wompi sends upper case"
    )
    /// Expired trials can still write.
    public static let trialNeverReadOnly = DemoFault(
        "trial-never-read-only",
        "a clinic whose 30-day trial has expired keeps full write access instead of turning read-only"
    )

    public static let all: [DemoFault] = [
        sessionCookieDropped, appointmentMonday500, slowAvailability, availabilityNoSlots, rescheduleKeepsOldSlot,
        cancelReasonLost, prescriptionEyesSwapped, discountTierBoundary, declinedCardAccepted, stripeSignatureUnchecked,
        wompiChecksumLowercase, trialNeverReadOnly,
    ]
}
