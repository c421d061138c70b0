import { z } from 'zod';

// The console's forms validate with these before sending, and the API validates the same
// requests with them: one definition of what a valid login or user is.

export const ConsoleRole = z.enum(['admin', 'marketer', 'sales']);
export type ConsoleRole = z.infer<typeof ConsoleRole>;

export const ConsoleLogin = z.object({
  email: z.email('enter your e-mail address').max(320),
  // Bounded so that a megabyte "password" cannot be fed to scrypt.
  password: z.string().min(1, 'enter your password').max(1024, 'at most 1024 characters'),
});
export type ConsoleLogin = z.infer<typeof ConsoleLogin>;

export const ConsolePassword = z.string().min(12, 'at least 12 characters').max(1024, 'at most 1024 characters');

export const NewConsoleUser = z.object({
  email: z.email('expected an e-mail address').max(320),
  role: ConsoleRole,
  password: ConsolePassword,
});
export type NewConsoleUser = z.infer<typeof NewConsoleUser>;
