/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.yaml`. Hand-written, and checked
/// against real responses by `Tests/GazetteWebTests/SubscriberAPITests.swift` (with Python's `jsonschema`
/// through `Tests/Support/check_openapi.py`): change it together with `SubscriberAPI`.
enum OpenAPIDocument {
    static let yaml = #"""
    openapi: 3.1.0
    info:
      title: Gazette subscriber API
      version: "1"
      description: |
        Add, read, update and erase subscribers of a Gazette newsletter. Enabled by GAZETTE_API_TOKEN;
        every call except this document needs `Authorization: Bearer <token>`. Fields are named as the
        subscriber CSV columns.
    servers:
      - url: /api/v1
    security:
      - bearer: []
    paths:
      /subscribers:
        post:
          summary: Add a subscriber, or update an existing address
          description: |
            `confirmed: true` makes the subscriber active at once (for operators who hold consent); false or
            absent makes a new address pending and mails it a confirmation (at most one per 10 minutes).
            An existing active subscriber is updated and stays active; an unsubscribed one stays unsubscribed
            unless they confirm a new signup.
          requestBody:
            required: true
            content:
              application/json:
                schema: { $ref: "#/components/schemas/SubscriberInput" }
          responses:
            "201":
              description: Created
              content:
                application/json:
                  schema: { $ref: "#/components/schemas/Subscriber" }
            "200":
              description: The address existed and was updated
              content:
                application/json:
                  schema: { $ref: "#/components/schemas/Subscriber" }
            "400": { $ref: "#/components/responses/Error" }
            "401": { $ref: "#/components/responses/Error" }
            "413": { $ref: "#/components/responses/Error" }
            "422": { $ref: "#/components/responses/Error" }
      /subscribers/{email}:
        parameters:
          - name: email
            in: path
            required: true
            description: The address, in any case, percent-encoded.
            schema: { type: string }
        get:
          summary: Read a subscriber
          responses:
            "200":
              description: The subscriber
              content:
                application/json:
                  schema: { $ref: "#/components/schemas/Subscriber" }
            "401": { $ref: "#/components/responses/Error" }
            "404": { $ref: "#/components/responses/Error" }
        patch:
          summary: Change preferences, name or status
          requestBody:
            required: true
            content:
              application/json:
                schema: { $ref: "#/components/schemas/SubscriberPatch" }
          responses:
            "200":
              description: The updated subscriber
              content:
                application/json:
                  schema: { $ref: "#/components/schemas/Subscriber" }
            "400": { $ref: "#/components/responses/Error" }
            "401": { $ref: "#/components/responses/Error" }
            "404": { $ref: "#/components/responses/Error" }
            "422": { $ref: "#/components/responses/Error" }
        delete:
          summary: Erase a subscriber (their row and ledger; a keyed hash of the address stays suppressed)
          responses:
            "204": { description: Erased }
            "401": { $ref: "#/components/responses/Error" }
            "404": { $ref: "#/components/responses/Error" }
    components:
      securitySchemes:
        bearer: { type: http, scheme: bearer }
      responses:
        Error:
          description: The request was refused
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Error" }
      schemas:
        Level: { type: string, enum: [junior, mid, senior, lead, principal] }
        Day: { type: string, enum: [mon, tue, wed, thu, fri, sat, sun] }
        Subscriber:
          type: object
          additionalProperties: false
          required: [email, name, timezone, send_day, send_hour, languages, levels, remote_only, locations,
                     min_salary, skip_empty, status, paused_until]
          properties:
            email: { type: string, format: email }
            name: { type: string }
            timezone: { type: string, description: IANA time zone }
            send_day: { $ref: "#/components/schemas/Day" }
            send_hour: { type: integer, minimum: 0, maximum: 23 }
            languages: { type: array, items: { type: string } }
            levels: { type: array, items: { $ref: "#/components/schemas/Level" } }
            remote_only: { type: boolean }
            locations: { type: array, items: { type: string } }
            min_salary: { type: [integer, "null"], minimum: 0 }
            skip_empty: { type: boolean }
            status: { type: string, enum: [pending, active, unsubscribed] }
            paused_until: { type: [string, "null"], format: date-time }
        ListOrText:
          description: A list, or one string with `;`-separated items (as in the CSV)
          oneOf:
            - { type: array, items: { type: string } }
            - { type: string }
        SubscriberFields:
          type: object
          properties:
            name: { type: string, maxLength: 200 }
            timezone: { type: string }
            send_day: { type: string, description: "mon…sun; full names accepted" }
            send_hour: { type: integer, minimum: 0, maximum: 23 }
            languages: { $ref: "#/components/schemas/ListOrText" }
            levels: { $ref: "#/components/schemas/ListOrText" }
            remote_only: { type: boolean }
            locations: { $ref: "#/components/schemas/ListOrText" }
            min_salary: { type: [integer, "null"], minimum: 0 }
            skip_empty: { type: boolean }
            paused_until: { type: [string, "null"], format: date-time }
        SubscriberInput:
          allOf:
            - $ref: "#/components/schemas/SubscriberFields"
            - type: object
              required: [email]
              properties:
                email: { type: string, format: email, maxLength: 254 }
                confirmed: { type: boolean, default: false }
        SubscriberPatch:
          allOf:
            - $ref: "#/components/schemas/SubscriberFields"
            - type: object
              properties:
                status: { type: string, enum: [pending, active, unsubscribed] }
        Error:
          type: object
          additionalProperties: false
          required: [error]
          properties:
            error:
              type: object
              additionalProperties: false
              required: [message, field]
              properties:
                message: { type: string }
                field: { type: [string, "null"], description: The request field at fault, if one is }
    """#
}
