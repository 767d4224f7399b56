export { createLiveKitRoom } from './livekit-room.js';
export type { LiveKitRoomOptions, LiveKitRoomService, LiveKitRoomStats } from './livekit-room.js';
export type { SessionStats } from './signal-session.js';
export type { RoomFaults } from './room-faults.js';
export type { IceServerConfig } from './signal-codec.js';
export { issueToken, checkToken } from './token.js';
