export { proposeTask as default } from "./emission.js";
