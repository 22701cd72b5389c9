// The 1.6 messages are written in the OCPP-J codec's types (Timestamp, CiString, JSONValue…): whoever
// speaks 1.6 speaks them too.
@_exported import OCPPJ
