// The 2.0.1 messages are written in the OCPP-J codec's types (Timestamp, CiString, JSONValue…): whoever
// speaks 2.0.1 speaks them too.
@_exported import OCPPJ
