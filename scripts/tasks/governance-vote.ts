export { voteTask as default } from "./emission.js";
