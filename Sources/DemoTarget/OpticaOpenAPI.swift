/// The optica's operations for `/openapi.json` (see `OpenAPIDocument`): OpenAPI path items keyed
/// by path. The optica is a server-rendered app: pages are HTML, the endpoints its pages call
/// are JSON; every operation but the login page and the gateways' webhooks needs the
/// `sessionid` cookie (security scheme `session`), and writes answer 403 while the clinic's
/// trial has expired.
enum OpticaOpenAPI {
    typealias Doc = OpenAPIDocument

    static var id: [String: Any] { ["type": "integer"] }
    static var text: [String: Any] { ["type": "string"] }
    static var ids: [String: Any] { ["type": "array", "items": ["type": "integer"], "minItems": 1] }
    static var diopters: [String: Any] {
        ["oneOf": [["type": "number"], ["type": "string", "pattern": #"^[+-]?\d+(\.\d{1,2})?$"#]]]
    }
    static var eye: [String: Any] {
        Doc.object(
            ["sphere": diopters, "cylinder": diopters, "axis": ["type": "integer", "minimum": 0, "maximum": 180]],
            required: ["sphere"]
        )
    }

    static var paths: [String: Any] {
        let s = "session"
        let tag = "optica"
        let denied = "not allowed for this role"
        return [
            "/login/": [
                "get": Doc.operation(
                    "Optica login page",
                    tag: tag,
                    responses: [200: "HTML form; sets the csrftoken cookie"]
                ),
                "post": Doc.operation(
                    "Optica log in",
                    tag: tag,
                    form: Doc.object(
                        ["username": text, "password": text, "csrfmiddlewaretoken": text],
                        required: ["username", "password", "csrfmiddlewaretoken"]
                    ),
                    responses: [
                        302: "to /dashboard/ with the sessionid cookie", 200: "the form again: invalid credentials",
                        403: "CSRF check failed",
                    ]
                ),
            ],
            "/logout/": [
                "post": Doc.operation("Optica log out", tag: tag, responses: [302: "to /login/, the cookie cleared"])
            ],
            "/dashboard/": [
                "get": Doc.operation(
                    "Optica dashboard",
                    tag: tag,
                    auth: s,
                    responses: [200: "HTML", 302: "no session: to /login/"]
                )
            ],
            "/patients/api/search/": [
                "get": Doc.operation(
                    "Search patients",
                    tag: "patients",
                    auth: s,
                    query: ["q"],
                    responses: [200: "{results: [patient]}"]
                )
            ],
            "/patients/create/": [
                "post": Doc.operation(
                    "Register a patient",
                    tag: "patients",
                    auth: s,
                    form: Doc.object(
                        ["first_name": text, "last_name": text, "identification": text, "email": text, "phone": text],
                        required: ["first_name", "last_name", "identification", "email", "phone"]
                    ),
                    responses: [
                        201: "{patient_id, full_name}", 400: "missing or invalid fields",
                        403: "\(denied), or the clinic is read-only", 409: "identification already registered",
                    ]
                )
            ],
            "/patients/{id}/": [
                "delete": Doc.operation(
                    "Delete a patient",
                    tag: "patients",
                    auth: s,
                    parameters: ["id"],
                    responses: [200: "{deleted}", 404: "no such patient"]
                )
            ],
            "/patients/{id}/history/": [
                "get": Doc.operation(
                    "Clinical history of a patient",
                    tag: "consultation",
                    auth: s,
                    parameters: ["id"],
                    responses: [200: "{patient_id, full_name, consultations}", 403: denied, 404: "no such patient"]
                )
            ],
            "/appointments/availability/": [
                "get": Doc.operation(
                    "Free slots of a doctor",
                    tag: "appointments",
                    auth: s,
                    query: ["doctor", "date"],
                    responses: [200: "{doctor, date, slots}", 400: "doctor or date missing", 404: "no such doctor"]
                )
            ],
            "/appointments/availability/{doctor}/": [
                "get": Doc.operation(
                    "Free slots of a doctor by path",
                    tag: "appointments",
                    auth: s,
                    parameters: ["doctor"],
                    query: ["date"],
                    responses: [200: "{doctor, date, slots}"]
                )
            ],
            "/appointments/create/": [
                "post": Doc.operation(
                    "Book an appointment",
                    tag: "appointments",
                    auth: s,
                    body: Doc.object(
                        [
                            "patient_id": id, "doctor_id": id, "date": ["type": "string", "format": "date"],
                            "time": ["type": "string", "pattern": #"^\d{2}:\d{2}$"#],
                        ],
                        required: ["patient_id", "doctor_id", "date", "time"]
                    ),
                    responses: [
                        201: "{appointment_id, status, date, time}", 400: "not a slot",
                        404: "no such patient or doctor", 409: "slot taken",
                    ]
                )
            ],
            "/appointments/{id}/": [
                "get": Doc.operation(
                    "An appointment",
                    tag: "appointments",
                    auth: s,
                    parameters: ["id"],
                    responses: [200: "the appointment with cancel_reason", 404: "no such appointment"]
                )
            ],
            "/appointments/{id}/reschedule/": [
                "post": Doc.operation(
                    "Reschedule an appointment",
                    tag: "appointments",
                    auth: s,
                    parameters: ["id"],
                    body: Doc.object(
                        ["date": ["type": "string", "format": "date"], "time": text],
                        required: ["date", "time"]
                    ),
                    responses: [200: "the appointment", 400: "not a slot, or not scheduled", 409: "slot taken"]
                )
            ],
            "/appointments/{id}/cancel/": [
                "post": Doc.operation(
                    "Cancel an appointment",
                    tag: "appointments",
                    auth: s,
                    parameters: ["id"],
                    form: Doc.object(["reason": ["type": "string", "minLength": 1]], required: ["reason"]),
                    responses: [
                        200: "{appointment_id, status: cancelled}", 400: "no reason, or already cancelled",
                        404: "no such appointment",
                    ]
                )
            ],
            "/consultations/": [
                "post": Doc.operation(
                    "Start a consultation",
                    tag: "consultation",
                    auth: s,
                    body: Doc.object(["patient_id": id, "appointment_id": id], required: ["patient_id"]),
                    responses: [
                        201: "the consultation", 404: "no such patient or appointment",
                        409: "appointment not scheduled",
                    ]
                )
            ],
            "/consultations/{id}/": [
                "get": Doc.operation(
                    "A consultation",
                    tag: "consultation",
                    auth: s,
                    parameters: ["id"],
                    responses: [200: "the consultation", 404: "no such consultation"]
                ),
                "delete": Doc.operation(
                    "Discard a consultation",
                    tag: "consultation",
                    auth: s,
                    parameters: ["id"],
                    responses: [200: "{deleted}", 404: "no such consultation"]
                ),
            ],
            "/consultations/{id}/history/": [
                "post": Doc.operation(
                    "Record the clinical history",
                    tag: "consultation",
                    auth: s,
                    parameters: ["id"],
                    body: Doc.object(
                        ["reason": text, "symptoms": text, "background": text, "notes": text],
                        required: ["reason"]
                    ),
                    responses: [200: "the consultation", 400: "no reason", 409: "consultation finished"]
                )
            ],
            "/consultations/{id}/refraction/": [
                "post": Doc.operation(
                    "Record a refraction exam",
                    tag: "consultation",
                    auth: s,
                    parameters: ["id"],
                    body: Doc.object(
                        [
                            "od": eye, "oi": eye, "add": diopters,
                            "pd": ["type": "integer", "minimum": 40, "maximum": 80],
                            "visual_acuity": Doc.object(["od": text, "oi": text]),
                        ],
                        required: ["od", "oi"]
                    ),
                    responses: [
                        201: "the consultation with its refraction", 400: "{error, problems}: values out of range",
                        409: "consultation finished",
                    ]
                )
            ],
            "/consultations/{id}/prescription/": [
                "post": Doc.operation(
                    "Write the prescription",
                    tag: "consultation",
                    auth: s,
                    parameters: ["id"],
                    body: Doc.object([
                        "lens_type": ["enum": ["monofocal", "bifocal", "progressive", "contact"]], "notes": text,
                    ]),
                    responses: [
                        201: "{prescription_id, formula, od, oi, add, lens_type}", 400: "unknown lens type",
                        409: "no refraction exam yet, or finished",
                    ]
                )
            ],
            "/consultations/{id}/finish/": [
                "post": Doc.operation(
                    "Finish a consultation",
                    tag: "consultation",
                    auth: s,
                    parameters: ["id"],
                    responses: [200: "status completed", 409: "no clinical history yet, or already finished"]
                )
            ],
            "/prescriptions/{id}/": [
                "get": Doc.operation(
                    "Printable prescription",
                    tag: "consultation",
                    auth: s,
                    parameters: ["id"],
                    responses: [200: "HTML with the formula", 404: "no such prescription"]
                )
            ],
        ].merging(marketplacePaths) { own, _ in own }
    }
}
