/** How many conversations one page of the chat list holds (the list fetches the rest behind it). */
export const CONVERSATIONS_PAGE = 50;
