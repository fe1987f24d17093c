import Foundation
import Synchronization

/// A clinic (tenant) of the optica SaaS: its plan, its trial and the modules it has bought.
///
/// The main clinic (id 1) is on a paid plan. Owners create more with `POST /clinics/`, in a
/// trial of the length they choose — which is how scenarios test an expired trial without
/// waiting 30 days — and delete them again.
struct Clinic: Sendable, Hashable {
    /// The clinic the demo starts with; it cannot be deleted.
    static let mainID = 1
    /// A new clinic's trial, days.
    static let trialLength = 30

    enum Plan: String, Sendable { case trial, active }

    var id: Int
    var name: String
    var plan: Plan
    var trialEnds: Date
    var activeModules: Set<Int>

    /// Whole days of trial left, rounded up; 0 once it has ended.
    func trialDaysLeft(now: Date = Date()) -> Int {
        let seconds = trialEnds.timeIntervalSince(now)
        return seconds <= 0 ? 0 : Int((seconds / 86_400).rounded(.up))
    }

    /// A trial that has ended: the clinic may read but not write until it buys a plan.
    func isReadOnly(now: Date = Date()) -> Bool {
        plan == .trial && now >= trialEnds
    }
}

/// A purchase in progress: the modules, their price (fixed when the checkout is made) and the
/// gateway's payment for it.
struct Checkout: Sendable, Hashable {
    enum Gateway: String, Sendable { case stripe, wompi }
    enum Status: String, Sendable { case pending, paid, declined }

    var id: Int
    var clinicID: Int
    var quote: OpticaModules.Quote
    var gateway: Gateway
    var status: Status
    /// `pi_…` for Stripe, the transaction id for Wompi, once a card was sent.
    var paymentID: String?

    /// The merchant reference sent to the gateway.
    var reference: String { "OPTICA-\(clinicID)-\(id)" }
}

/// Clinics, checkouts and payments.
struct BillingState {
    var clinics: [Int: Clinic] = [
        Clinic.mainID: Clinic(
            id: Clinic.mainID,
            name: "Óptica Demo",
            plan: .active,
            trialEnds: Date(timeIntervalSince1970: 0),
            activeModules: [1, 2, 3, 4]
        )
    ]
    var nextClinicID = 2
    var checkouts: [Int: Checkout] = [:]
    var nextCheckoutID = 1
    /// Payment id (intent or transaction) → checkout id.
    var payments: [String: Int] = [:]
}

extension OpticaStore {
    /// At most this many clinics besides the main one (scenarios delete theirs in teardown).
    static let maxClinics = 500
    /// At most this many checkouts in all.
    static let maxCheckouts = 20_000

    /// The account and clinic of a live session.
    func signedIn(session id: String) -> (account: DemoUsers.Account, clinic: Clinic)? {
        guard let account = account(session: id) else { return nil }
        return state.withLock { s in
            guard let clinicID = s.sessions[id]?.clinicID else { return nil }
            guard let clinic = s.billing.clinics[clinicID] ?? s.billing.clinics[Clinic.mainID] else { return nil }
            return (account, clinic)
        }
    }

    /// Every clinic, by id.
    func clinics() -> [Clinic] {
        state.withLock { $0.billing.clinics.values.sorted { $0.id < $1.id } }
    }

    func clinic(id: Int) -> Clinic? {
        state.withLock { $0.billing.clinics[id] }
    }

    /// A new clinic in trial, ending `trialDays` from `now` (0 or less: already ended); `nil`
    /// when there are too many clinics.
    func createClinic(name: String, trialDays: Int, now: Date = Date()) -> Clinic? {
        state.withLock { s in
            guard s.billing.clinics.count <= Self.maxClinics else { return nil }
            let clinic = Clinic(
                id: s.billing.nextClinicID,
                name: name,
                plan: .trial,
                trialEnds: now.addingTimeInterval(TimeInterval(trialDays) * 86_400),
                activeModules: []
            )
            s.billing.clinics[clinic.id] = clinic
            s.billing.nextClinicID += 1
            return clinic
        }
    }

    /// Makes `clinicID` the session's clinic; `nil` when there is no such clinic.
    func switchClinic(session: String, to clinicID: Int) -> Clinic? {
        state.withLock { s in
            guard let clinic = s.billing.clinics[clinicID], s.sessions[session] != nil else { return nil }
            s.sessions[session]?.clinicID = clinicID
            return clinic
        }
    }

    enum DeleteClinicOutcome {
        case deleted
        case notFound
        case mainClinic
    }

    /// Deletes a clinic with its checkouts; sessions working in it go back to the main clinic.
    func deleteClinic(id: Int) -> DeleteClinicOutcome {
        guard id != Clinic.mainID else { return .mainClinic }
        return state.withLock { s in
            guard s.billing.clinics.removeValue(forKey: id) != nil else { return .notFound }
            let gone = Set(s.billing.checkouts.values.filter { $0.clinicID == id }.map(\.id))
            s.billing.checkouts = s.billing.checkouts.filter { !gone.contains($0.key) }
            s.billing.payments = s.billing.payments.filter { !gone.contains($0.value) }
            for (key, session) in s.sessions where session.clinicID == id {
                s.sessions[key]?.clinicID = Clinic.mainID
            }
            return .deleted
        }
    }

    enum CheckoutOutcome {
        case created(Checkout)
        case alreadyActive([Int])
        case noSuchClinic
        case tooMany
    }

    /// Opens a checkout for modules the clinic does not have yet.
    func openCheckout(clinic clinicID: Int, quote: OpticaModules.Quote, gateway: Checkout.Gateway) -> CheckoutOutcome {
        state.withLock { s in
            guard let clinic = s.billing.clinics[clinicID] else { return .noSuchClinic }
            let owned = quote.modules.map(\.id).filter { clinic.activeModules.contains($0) }
            if !owned.isEmpty { return .alreadyActive(owned) }
            guard s.billing.checkouts.count < Self.maxCheckouts else { return .tooMany }
            let checkout = Checkout(
                id: s.billing.nextCheckoutID,
                clinicID: clinicID,
                quote: quote,
                gateway: gateway,
                status: .pending
            )
            s.billing.checkouts[checkout.id] = checkout
            s.billing.nextCheckoutID += 1
            return .created(checkout)
        }
    }

    /// A checkout of `clinicID` (another clinic's checkouts are invisible).
    func checkout(id: Int, clinic clinicID: Int) -> Checkout? {
        state.withLock { s in s.billing.checkouts[id].flatMap { $0.clinicID == clinicID ? $0 : nil } }
    }

    /// Remembers the gateway's payment for a checkout (a later card replaces an earlier one).
    func attachPayment(_ paymentID: String, checkout id: Int, declined: Bool) {
        state.withLock { s in
            guard var checkout = s.billing.checkouts[id] else { return }
            if let old = checkout.paymentID { s.billing.payments[old] = nil }
            checkout.paymentID = paymentID
            checkout.status = declined ? .declined : .pending
            s.billing.checkouts[id] = checkout
            s.billing.payments[paymentID] = id
        }
    }

    enum FulfilOutcome: Equatable {
        /// The modules were switched on for the clinic.
        case activated(clinic: Int, modules: [Int])
        /// This payment was already fulfilled (gateways deliver events more than once).
        case alreadyPaid(clinic: Int)
        case unknownPayment
        case amountMismatch(expected: Int)
    }

    /// Acts on a gateway's word that `paymentID` was paid `amountCents`: activates the
    /// checkout's modules and puts the clinic on the paid plan. Idempotent.
    func fulfil(payment paymentID: String, gateway: Checkout.Gateway, amountCents: Int) -> FulfilOutcome {
        state.withLock { s in
            guard let id = s.billing.payments[paymentID], var checkout = s.billing.checkouts[id],
                checkout.gateway == gateway
            else {
                return .unknownPayment
            }
            if checkout.status == .paid { return .alreadyPaid(clinic: checkout.clinicID) }
            guard checkout.quote.totalCents == amountCents else {
                return .amountMismatch(expected: checkout.quote.totalCents)
            }
            checkout.status = .paid
            s.billing.checkouts[id] = checkout
            let modules = checkout.quote.modules.map(\.id)
            if var clinic = s.billing.clinics[checkout.clinicID] {
                clinic.activeModules.formUnion(modules)
                clinic.plan = .active
                s.billing.clinics[clinic.id] = clinic
            }
            return .activated(clinic: checkout.clinicID, modules: modules)
        }
    }

    /// Records a gateway's word that `paymentID` was declined. Returns `false` for an unknown payment.
    func decline(payment paymentID: String, gateway: Checkout.Gateway) -> Bool {
        state.withLock { s in
            guard let id = s.billing.payments[paymentID], var checkout = s.billing.checkouts[id],
                checkout.gateway == gateway
            else {
                return false
            }
            if checkout.status != .paid { checkout.status = .declined }
            s.billing.checkouts[id] = checkout
            return true
        }
    }
}
